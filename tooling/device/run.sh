#!/usr/bin/env bash
# Runs on the device machine (see pack.sh and README.md), from the repo root, with .dev and .gl carried:
#   1. on the GPU: which backend `auto` picks (must be WebGPU), the GPU checks, the WebGPU bench;
#   2. the WASM bench at 2 threads (the 1-thread run, then the 2-thread run), on two CPUs that a
#      probe shows do not share a physical core.
# One thing at a time: on the 16-vCPU VM seen here, vCPUs i and i+8 are hyperthreads of one core
# although the guest's topology lists each alone, and benches run side by side halved each other.
# Writes log.txt, webgpu.md, wasm-2T.md and all.tgz (raw JSON) to $OUT.
# QUICK=1 runs the short variants (a local dry run); ONLY=gpu or ONLY=wasm runs one part; WASM_ARGS adds
# flags to both WASM bench runs (e.g. "--no-portable --no-ort" to fit a short lease).
set -u
OUT=${OUT:-/tmp/devout}; mkdir -p "$OUT"
R=$PWD; D=$R/.dev; W=/tmp/wp; rm -rf $W; mkdir -p $W/bin $W/res
exec > >(tee "$OUT/log.txt") 2>&1
if command -v xz >/dev/null; then xz -dc $D/node.xz > $W/bin/node; tar -C $D -xJf $D/nm.tar.xz
else python3 -c "import lzma,shutil,tarfile; shutil.copyfileobj(lzma.open('$D/node.xz'),open('$W/bin/node','wb')); tarfile.open('$D/nm.tar.xz').extractall('$D')"; fi
chmod +x $W/bin/node; export PATH=$W/bin:$PATH
X=$D/x
N=$(nproc)
echo "node $(node --version); $N cpus; $(grep -m1 'model name' /proc/cpuinfo); $(grep -m1 '^flags' /proc/cpuinfo | grep -ow 'fma\|avx2\|avx512f' | tr '\n' ' ')"
Q=(); G=(); [ "${QUICK:-}" = 1 ] && Q=(--quick) G=(--only=matmul --no-variants)

gpu() {
  for f in $R/.gl/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done; ldconfig
  # the driver's ICD and libraries are mounted under /usr/local/nvidia; libGLX_nvidia needs libglvnd (.gl)
  local n=/usr/local/nvidia
  [ -e $n/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=$n/share/vulkan/icd.d/nvidia_icd.json
  export LD_LIBRARY_PATH=$n/lib64:$n/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} WEBPEFT_DAWN_BACKEND=${WEBPEFT_DAWN_BACKEND:-vulkan}
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -2
  VK_LOADER_DEBUG=error node $X/which.mjs --expect webgpu; echo "which rc=$?"
  timeout ${GPU_CHECK_S:-240} node $X/gpu-check.mjs; echo "gpu-check rc=$?"
  # --chain: on a real GPU a LoRA-sized product takes microseconds and a readback round trip ~1 ms
  timeout ${GPU_BENCH_S:-300} node $X/gpu-bench.mjs --out=$W/res/webgpu --chain=${GPU_CHAIN:-32} "${G[@]}"; echo "gpu-bench rc=$?"
  cp $W/res/webgpu/*.md "$OUT/webgpu.md" 2>/dev/null
}

wasm() {
  # a CPU pair that runs two 1-thread GEMMs at full speed each (not hyperthread siblings)
  local pair=0 best=0 c a v
  for ((c = 1; c < N && c < 12; c++)); do
    a=$( (taskset -c 0 node $X/rate.mjs) & (taskset -c $c node $X/rate.mjs); wait)
    v=$(echo "$a" | sort -n | head -1)
    echo "cpus 0,$c: $(echo $a) GFLOP/s"
    if awk "BEGIN{exit !($v > $best * 1.05)}"; then pair=0,$c; best=$v; fi
  done
  echo "wasm bench on cpus $pair"
  local A=(${WASM_ARGS:-})
  taskset -c $pair node $X/wasm-bench.mjs --tfjs-threads 1 --threads 2 --out $W/res/wasm-2T "${A[@]}" "${Q[@]}"; echo "wasm 1T run rc=$?"
  cp $W/res/wasm-2T/raw-tfjs1T.json "$OUT/" 2>/dev/null
  taskset -c $pair node $X/wasm-bench.mjs --tfjs-threads 2 --threads 2 --out $W/res/wasm-2T --no-ort "${A[@]}" "${Q[@]}"; echo "wasm 2T run rc=$?"
  cp $W/res/wasm-2T/raw-tfjs2T.json "$OUT/" 2>/dev/null
  node $X/wasm-report.mjs $W/res/wasm-2T > /dev/null && cp $W/res/wasm-2T/results.md "$OUT/wasm-2T.md"
}

[ "${ONLY:-}" = wasm ] || gpu 2>&1 | grep -v '^Warning: \|^ - While\|^    at '
[ "${ONLY:-}" = gpu ] || wasm
tar -C $W -czf "$OUT/all.tgz" res
