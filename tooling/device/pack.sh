#!/usr/bin/env bash
# Packs what the device machine (a bare x86-64 Linux box with a GPU, no Node, no registry) needs to run
# the WASM and WebGPU benchmarks and the GPU checks into .dev/ (git-ignored via .git/info/exclude):
#   .dev/node.xz        this machine's Node binary
#   .dev/x/*.mjs        esbuild bundles of the bench/check entry points (every @webpeft/* from source)
#   .dev/wasm/*.wasm    backend-wasm's modules, where the bundles' ../wasm/ URL finds them
#   .dev/nm.tar.xz      the runtime node_modules the bundles load: tfjs, onnxruntime-node, webpeft's Dawn
#                       (linux-x64 binaries only, no source maps or other bundle formats)
# Then device/run.sh unpacks and runs them. Usage (repo root): bash tooling/device/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .dev && mkdir -p .dev/x .dev/wasm .dev/nm/node_modules
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .dev/node.xz
cp packages/backend-wasm/wasm/*.wasm .dev/wasm/
bundle() { # entry out
  node_modules/.bin/esbuild "$1" --bundle --platform=node --format=esm --target=node20 --conditions=@webpeft/source \
    --external:webgpu --external:onnxruntime-node '--external:@tensorflow/*' \
    '--banner:js=import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' \
    --log-level=warning --outfile=".dev/x/$2.mjs"
}
bundle packages/backend-wasm/bench/main.ts wasm-bench
bundle packages/backend-wasm/bench/report.ts wasm-report
bundle packages/backend-webgpu/bench/gpu-check.ts gpu-check
bundle packages/backend-webgpu/bench/main.ts gpu-bench
bundle packages/backends/bench/which.ts which
bundle packages/backend-wasm/bench/rate.ts rate
# runtime packages: package.json, the files Node loads, nothing else
nm=.dev/nm/node_modules
keep() { # package, then paths inside it
  local p=$1; shift
  mkdir -p "$nm/$p"
  cp node_modules/"$p"/package.json "$nm/$p/"
  for f in "$@"; do mkdir -p "$nm/$p/$(dirname "$f")"; cp -r node_modules/"$p"/$f "$nm/$p/$(dirname "$f")/"; done
}
main() { node -p "require('./node_modules/$1/package.json').main"; }
for p in tfjs tfjs-core tfjs-backend-cpu tfjs-backend-wasm tfjs-backend-webgpu tfjs-backend-webgl tfjs-layers tfjs-converter tfjs-data; do
  keep "@tensorflow/$p" "$(main @tensorflow/$p)"
done
cp -r node_modules/@tensorflow/tfjs-backend-wasm/wasm-out "$nm/@tensorflow/tfjs-backend-wasm/"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$nm/@tensorflow/tfjs-backend-wasm/dist/"
for p in long seedrandom node-fetch whatwg-url tr46 webidl-conversions string_decoder safe-buffer argparse sprintf-js; do
  [ -d node_modules/$p ] && cp -r node_modules/$p "$nm/"
done
keep webgpu index.js dist/linux-x64
keep onnxruntime-node dist bin/napi-v6/linux/x64
cp -r node_modules/onnxruntime-common "$nm/"
find "$nm" -name '*.map' -delete
tar -C .dev/nm -cJf .dev/nm.tar.xz node_modules && rm -rf .dev/nm
du -sh .dev/* | sort -h
