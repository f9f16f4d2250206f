// One thread's GEMM rate (FMA build unless `plain`), [512×1024]·[1024×8] × 200, three rounds, the
// last printed: a quick probe, e.g. run on two CPUs at once to see whether they share a physical
// core (tooling/device/run.sh pairs the bench's threads with it). Not a benchmark.
// Usage: node --conditions=@webpeft/source --import tsx bench/rate.ts [plain]
import { fromArray, matmul, tidy } from '@webpeft/tensor';
import { enableNodeRelaxedSimd, wasmBackend } from '@webpeft/backend-wasm';

const relaxedSimd = process.argv[2] !== 'plain' && (await enableNodeRelaxedSimd());
const be = await wasmBackend({ threads: 1, relaxedSimd });
const [m, k, n] = [512, 1024, 8];
const a = fromArray(new Float32Array(m * k).fill(1), [m, k], { backend: be });
const b = fromArray(new Float32Array(k * n).fill(1), [k, n], { backend: be });
let gflops = 0;
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) tidy(() => void matmul(a, b));
  gflops = (2 * m * n * k * 200) / (performance.now() - t0) / 1e6;
}
console.log(gflops.toFixed(1));
process.exit(0);
