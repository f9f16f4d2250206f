// `npm test` runs the op conformance suite in a real browser too: headless Chromium's own
// navigator.gpu (Dawn inside Chromium; SwiftShader, a core-feature-level adapter, on a CPU-only
// machine), through the runtime-neutral `webgpuBackend()`. The entry is bundled from the package
// sources with esbuild, served from 127.0.0.1 (WebGPU needs a secure context) and driven with
// puppeteer-core; no browser is downloaded. Skips, saying why, without Chromium or an adapter.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleEntry, chromium, haveChromium, runPage, serve } from './browser-harness.ts';
import type { BrowserWebGPUResult } from './browser-webgpu.entry.ts';

const entry = join(import.meta.dirname, 'browser-webgpu.entry.ts');
const RESULT_TIMEOUT_MS = 110_000;
if (!haveChromium) console.warn(`[browser-webgpu] skipped — no ${chromium} (apt-get install chromium, or set WEBPEFT_CHROMIUM)`);

describe('browser webgpu conformance', () => {
  it.skipIf(!haveChromium)(
    `passes every PyTorch fixture and every matmul variant on headless Chromium's navigator.gpu (${haveChromium ? chromium : `skipped: no ${chromium}`})`,
    async (ctx) => {
      const t0 = Date.now();
      const js = await bundleEntry(entry);
      const { server, url } = await serve(js, 'webpeft browser webgpu');
      let run: Awaited<ReturnType<typeof runPage<BrowserWebGPUResult>>>;
      try {
        run = await runPage<BrowserWebGPUResult>(url, RESULT_TIMEOUT_MS);
      } finally {
        server.close();
      }
      const { result, log, version } = run;
      const context = `page log:\n${log.join('\n')}`;
      expect(result, context).toBeDefined();
      if ('error' in result!) throw new Error(`the page threw: ${result.error}\n${context}`);
      const r = result!;
      if (r.skipped) {
        console.warn(`[browser-webgpu] skipped — ${version}: ${r.skipped}`);
        ctx.skip(`no WebGPU adapter in ${version}: ${r.skipped}`);
      }
      console.log(
        `[browser-webgpu] ${version} adapter: ${JSON.stringify(r.adapter)}\n` +
          `[browser-webgpu] fixtures: ${r.passed} passed, ${r.failed.length} failed; matmul variants: ${r.matmul.passed} passed, ${r.matmul.failed.length} failed; ` +
          `${r.ms} ms in the page, ${Date.now() - t0} ms in all`,
      );
      expect(r.failed, context).toEqual([]);
      expect(r.passed).toBeGreaterThan(300);
      expect(r.matmul.failed, context).toEqual([]);
      expect(r.matmul.passed).toBe(3 * 4 * 8); // 3 shapes × 4 transpositions × 8 plans
    },
    150_000,
  );
});
