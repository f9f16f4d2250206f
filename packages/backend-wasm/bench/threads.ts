// Thread scaling (not a test): webpeft-wasm 1 vs 2 threads on the same matmuls, back to back as in a
// training loop, interleaved in one process. Usage: node --conditions=@webpeft/source --import tsx bench/threads.ts
import { fromArray, matmul, tidy } from '@webpeft/tensor';
import { wasmBackend } from '@webpeft/backend-wasm';
const b1 = await wasmBackend({ threads: 1 });
const b2 = await wasmBackend({ threads: 2 });
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const shapes = [[512, 768, 768], [512, 1024, 1024], [512, 768, 64], [64, 512, 768], [512, 768, 8], [8, 512, 768], [512, 768, 16], [16, 512, 1024], [8, 512, 1024], [512, 1024, 16]];
for (const [m, k, n] of shapes) {
  const a = new Float32Array(m! * k!).map(() => Math.random()), b = new Float32Array(k! * n!).map(() => Math.random());
  const ts = [b1, b2].map((be) => [fromArray(a, [m!, k!], { backend: be }), fromArray(b, [k!, n!], { backend: be })]);
  const t: number[][] = [[], []];
  const inner = Math.max(1, Math.round(2e7 / (2 * m! * n! * k!)));
  for (let r = 0; r < 25; r++) for (let i = 0; i < 2; i++) { const t0 = performance.now(); for (let j = 0; j < inner; j++) tidy(() => void matmul(ts[i]![0]!, ts[i]![1]!)); if (r >= 3) t[i]!.push((performance.now() - t0) / inner); }
  const g = t.map((x) => (2 * m! * n! * k!) / med(x) / 1e6);
  console.log(`${m}x${k}x${n}`.padEnd(14), `1T ${g[0]!.toFixed(1)}  2T ${g[1]!.toFixed(1)}  scaling ${(g[1]! / g[0]!).toFixed(2)}×`);
}
process.exit(0);
