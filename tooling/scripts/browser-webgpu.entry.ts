// Browser entry for browser-webgpu.test.ts (bundled by esbuild with the `@webpeft/source`
// condition, so it runs the package sources): the op conformance suite on the browser's own
// navigator.gpu (Chromium's Dawn; SwiftShader on a CPU-only machine), then every matmul variant
// forced on a few shapes against a host f64 reference. Reports to `window.__webpeftResult`.
import fixtures from '../../packages/tensor/fixtures/ops.json' with { type: 'json' };
import { setBackend } from '@webpeft/tensor';
import { type OpFixtureFile, runOpSuite } from '@webpeft/tensor/testing';
import { NoAdapterError, type WebGPUBackend, webgpuBackend } from '@webpeft/backend-webgpu';
import { runMatmulParity } from '../../packages/backend-webgpu/src/_parity-cases.ts';

export interface BrowserWebGPUResult {
  /** Set when the page found no adapter: the test skips with this reason. */
  readonly skipped?: string;
  readonly adapter?: WebGPUBackend['report'];
  readonly userAgent: string;
  readonly passed: number;
  readonly failed: string[];
  readonly matmul: { readonly passed: number; readonly failed: string[] };
  readonly ms: number;
}

declare global {
  interface Window {
    __webpeftResult?: BrowserWebGPUResult | { readonly error: string };
  }
}

// [batch, M, K, N]: awkward sizes, every dimension a multiple of 4 (vec4/wide on their own
// layouts), and a long reduction with a small output (split-K has work to split)
const MATMUL_SHAPES: [number, number, number, number][] = [
  [2, 33, 65, 35],
  [2, 12, 20, 16],
  [1, 8, 512, 96],
];

async function main(): Promise<BrowserWebGPUResult> {
  const t0 = performance.now();
  const userAgent = navigator.userAgent;
  let backend: WebGPUBackend;
  try {
    backend = await webgpuBackend();
  } catch (e) {
    if (e instanceof NoAdapterError) return { skipped: e.message, userAgent, passed: 0, failed: [], matmul: { passed: 0, failed: [] }, ms: 0 };
    throw e;
  }
  setBackend(backend);
  console.log(`browser webgpu adapter: ${JSON.stringify(backend.report)}`);
  const file = fixtures as unknown as OpFixtureFile;
  const { passed, failed } = await runOpSuite(file, backend);
  console.log(`fixtures: ${passed} passed, ${failed.length} failed (${Math.round(performance.now() - t0)} ms)`);
  const mm = await runMatmulParity(backend, MATMUL_SHAPES);
  console.log(`matmul variants: ${mm.passed} passed, ${mm.failed.length} failed`);
  return { adapter: backend.report, userAgent, passed, failed, matmul: mm, ms: Math.round(performance.now() - t0) };
}

main().then(
  (r) => {
    window.__webpeftResult = r;
  },
  (e: unknown) => {
    window.__webpeftResult = { error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) };
  },
);
