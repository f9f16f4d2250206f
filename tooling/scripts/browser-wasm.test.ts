// `npm test` runs the WASM backend in a real browser too (headless Chromium, see browser-harness):
// a cross-origin isolated page gets the worker pool on browser Workers over shared memory and the
// Relaxed SIMD (FMA) build; a page that is not isolated runs single-threaded and says why. Both
// pass the op conformance suite and split matmuls equal a host f64 reference.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleEntry, chromium, haveChromium, runPage, serve } from './browser-harness.ts';
import type { BrowserWasmResult } from './browser-wasm.entry.ts';

const entry = join(import.meta.dirname, 'browser-wasm.entry.ts');
const wasmDir = join(import.meta.dirname, '..', '..', 'packages', 'backend-wasm', 'wasm');
// the bundle loads new URL('../wasm/<file>', import.meta.url) with import.meta.url = /entry.js
const files = Object.fromEntries(readdirSync(wasmDir).map((f) => [`/wasm/${f}`, join(wasmDir, f)]));
if (!haveChromium) console.warn(`[browser-wasm] skipped — no ${chromium} (apt-get install chromium, or set WEBPEFT_CHROMIUM)`);

describe('browser wasm backend', () => {
  let js: Promise<string> | null = null;
  for (const isolated of [true, false]) {
    it.skipIf(!haveChromium)(
      isolated ? 'cross-origin isolated: 2 threads on browser Workers, the FMA build, conformance + split matmuls' : 'not isolated: single-threaded with the reason, conformance + matmuls',
      async () => {
        js ??= bundleEntry(entry);
        const { server, url } = await serve(await js, 'webpeft browser wasm', { isolated, files });
        let run: Awaited<ReturnType<typeof runPage<BrowserWasmResult>>>;
        try {
          run = await runPage<BrowserWasmResult>(url, 100_000);
        } finally {
          server.close();
        }
        const context = `page log:\n${run.log.join('\n')}`;
        expect(run.result, context).toBeDefined();
        if ('error' in run.result!) throw new Error(`the page threw: ${run.result.error}\n${context}`);
        const r = run.result!;
        console.log(`[browser-wasm] ${run.version}: ${r.summary}; fixtures ${r.passed} passed, ${r.failed.length} failed; matmul max |Δ|/√K ${r.matmulError.toExponential(2)}; ${r.ms} ms`);
        expect(r.isolated).toBe(isolated);
        expect(r.relaxedSimd).toBe(true);
        if (isolated) {
          expect(r.threads).toBe(2);
          expect(r.singleThreadReason).toBeNull();
        } else {
          expect(r.threads).toBe(1);
          expect(r.singleThreadReason).toMatch(/SharedArrayBuffer is unavailable/);
          expect(run.log.some((l) => l.includes('running single-threaded'))).toBe(true);
        }
        expect(r.failed, context).toEqual([]);
        expect(r.passed).toBeGreaterThan(300);
        expect(r.matmulError).toBeLessThan(1e-5);
      },
      150_000,
    );
  }
});
