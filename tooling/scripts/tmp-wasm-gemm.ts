import { wasmBackend } from '@webpeft/backend-wasm';

const be = await wasmBackend({ threads: 1 });
const k = be.k as any; console.log(be.summary);
function t(f: () => void, ms = 300) { for (let i = 0; i < 3; i++) f(); const xs: number[] = []; const end = performance.now() + ms; while (performance.now() < end || xs.length < 5) { const t0 = performance.now(); let n = 0; do { f(); n++; } while (performance.now() - t0 < 20); xs.push((performance.now() - t0) / n); } xs.sort((a, b) => a - b); return xs[xs.length >> 1]!; }
const out: string[] = [];
for (const [M, N, K] of [[512, 8, 1024], [512, 16, 768], [512, 16, 1024], [512, 64, 768], [512, 768, 768], [16, 768, 512], [8, 1024, 512]]) {
  const a = be.heap.alloc(M * K * 4).ptr, b = be.heap.alloc(K * N * 4).ptr, c = be.heap.alloc(M * N * 4).ptr;
  const p = be.heap.alloc(K * Math.ceil(N / 8) * 8 * 4 + 64).ptr;
  const f = new Float32Array(be.heap.memory.buffer); for (let i = 0; i < M * K; i++) f[a / 4 + i] = Math.random(); for (let i = 0; i < K * N; i++) f[b / 4 + i] = Math.random();
  k.packBAll(b, N, K, 0, p);
  out.push(`[${M}x${K}]x[${K}x${N}] ${(2 * M * N * K / t(() => k.gemm(a, b, c, M, N, K, 0, 0, 0, M, 0, N, be.scratch, p)) / 1e6).toFixed(1)}`);
}
console.log('deno', out.join('  '));
Deno.exit(0);
