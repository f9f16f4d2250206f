#!/usr/bin/env bash
# Fresh-machine set-up: the system libraries WebGPU needs to run on the CPU (Vulkan via
# Mesa's lavapipe, EGL/GLES for Dawn), Chromium for the browser WebGPU test (its SwiftShader
# adapter; optional: without it that test skips), then the npm dependencies from package-lock.json.
# apt-get runs only as root or with passwordless sudo; otherwise it says so and goes on.
set -euo pipefail

cd "$(dirname "$0")/../.."

APT_PACKAGES=(libvulkan1 mesa-vulkan-drivers libegl1 libegl-mesa0 libgles2)
# Debian's chromium (≈ 115 MB download); Ubuntu has no such deb (snap only), so it goes separately
BROWSER_PACKAGES=(chromium)

install_apt() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: no apt-get here; skipping system packages (${APT_PACKAGES[*]}). WebGPU on the CPU may be unavailable; CPU-backend work is unaffected."
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "setup: not root and no passwordless sudo; skipping apt packages. To install them yourself:"
      echo "  sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES[*]} ${BROWSER_PACKAGES[*]}"
      return 0
    fi
  fi
  echo "setup: installing ${APT_PACKAGES[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}"
  echo "setup: installing ${BROWSER_PACKAGES[*]} (browser WebGPU test)"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${BROWSER_PACKAGES[@]}"; then
    echo "setup: could not install ${BROWSER_PACKAGES[*]}; the browser WebGPU test will skip (set WEBPEFT_CHROMIUM to another Chromium binary to run it)"
  fi
}

install_apt
echo "setup: npm ci"
ONNXRUNTIME_NODE_INSTALL=skip npm ci
echo "setup: done. Next: npm run demo, then npm test"
