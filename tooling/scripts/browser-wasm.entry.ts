// Browser entry for browser-wasm.test.ts (bundled by esbuild from the package sources): the WASM
// backend in a page. Cross-origin isolated, it runs the worker pool on browser Workers over one
// shared memory; otherwise single-threaded with its notice. Chromium validates Relaxed SIMD, so
// `auto` loads the FMA build. It runs the op conformance suite, then matmuls split across the
// threads against a host f64 reference. Reports to `window.__webpeftResult`.
import fixtures from '../../packages/tensor/fixtures/ops.json' with { type: 'json' };
import { Generator, fromArray, matmul, tidy } from '@webpeft/tensor';
import { type OpFixtureFile, referenceMatmul, runOpSuite } from '@webpeft/tensor/testing';
import { wasmBackend } from '@webpeft/backend-wasm';

export interface BrowserWasmResult {
  readonly isolated: boolean;
  readonly threads: number;
  readonly relaxedSimd: boolean;
  readonly summary: string;
  readonly singleThreadReason: string | null;
  readonly passed: number;
  readonly failed: string[];
  /** max |wasm − f64| / √K over the split matmuls. */
  readonly matmulError: number;
  readonly ms: number;
}

declare global {
  interface Window {
    __webpeftResult?: BrowserWasmResult | { readonly error: string };
  }
}

async function main(): Promise<BrowserWasmResult> {
  const t0 = performance.now();
  const backend = await wasmBackend({ threads: 2 });
  backend.parallelMinMacs = 0;
  backend.parallelMinElements = 0;
  const file = fixtures as unknown as OpFixtureFile;
  const { passed, failed } = await runOpSuite(file, backend);
  const g = new Generator(11);
  let matmulError = 0;
  for (const [m, k, n] of [[37, 53, 29], [64, 300, 8], [8, 257, 96], [131, 300, 257]] as const) {
    for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const a = g.normal(m * k);
      const b = g.normal(k * n);
      const got = tidy(() => matmul(fromArray(a, transA ? [k, m] : [m, k], { backend }), fromArray(b, transB ? [n, k] : [k, n], { backend }), { transA, transB }).dataSync());
      const want = referenceMatmul(a, b, [1, m, k, n], transA, transB);
      for (let i = 0; i < m * n; i++) matmulError = Math.max(matmulError, Math.abs(got[i]! - want[i]!) / Math.sqrt(k));
    }
  }
  const r: BrowserWasmResult = {
    isolated: globalThis.crossOriginIsolated === true,
    threads: backend.threads,
    relaxedSimd: backend.relaxedSimd,
    summary: backend.summary,
    singleThreadReason: backend.singleThreadReason,
    passed,
    failed,
    matmulError,
    ms: Math.round(performance.now() - t0),
  };
  backend.dispose();
  return r;
}

main().then(
  (r) => {
    window.__webpeftResult = r;
  },
  (e: unknown) => {
    window.__webpeftResult = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) };
  },
);
