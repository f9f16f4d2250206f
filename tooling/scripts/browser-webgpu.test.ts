// `npm test` runs the op conformance suite in a real browser too: headless Chromium's own
// navigator.gpu (Dawn inside Chromium; SwiftShader, a core-feature-level adapter, on a CPU-only
// machine), through the runtime-neutral `webgpuBackend()`. The entry is bundled from the package
// sources with esbuild, served from 127.0.0.1 (WebGPU needs a secure context) and driven with
// puppeteer-core; no browser is downloaded. Skips, saying why, without Chromium or an adapter.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { BrowserWebGPUResult } from './browser-webgpu.entry.ts';

const chromium = process.env.WEBPEFT_CHROMIUM ?? '/usr/bin/chromium';
const entry = join(import.meta.dirname, 'browser-webgpu.entry.ts');
const RESULT_TIMEOUT_MS = 110_000;
const haveChromium = existsSync(chromium);
if (!haveChromium) console.warn(`[browser-webgpu] skipped — no ${chromium} (apt-get install chromium, or set WEBPEFT_CHROMIUM)`);

// --enable-unsafe-webgpu is the flag that matters (without it Linux Chromium reports "No available
// adapters"); the rest keep a throwaway headless profile quiet and offline. --no-sandbox: CI runs as root.
const CHROMIUM_ARGS = [
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

async function bundleEntry(): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@webpeft/source'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Serves the page and the bundle on 127.0.0.1 only (a secure context, unlike file: or a LAN address). */
async function serve(js: string): Promise<{ server: Server; url: string }> {
  const html = '<!doctype html><meta charset="utf-8"><title>webpeft browser webgpu</title><script type="module" src="/entry.js"></script>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/entry.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('browser webgpu conformance', () => {
  it.skipIf(!haveChromium)(
    `passes every PyTorch fixture and every matmul variant on headless Chromium's navigator.gpu (${haveChromium ? chromium : `skipped: no ${chromium}`})`,
    async (ctx) => {
      const t0 = Date.now();
      const js = await bundleEntry();
      const { server, url } = await serve(js);
      const profile = mkdtempSync(join(tmpdir(), 'webpeft-chromium-'));
      const { default: puppeteer } = await import('puppeteer-core');
      const browser = await puppeteer.launch({ executablePath: chromium, headless: true, userDataDir: profile, args: CHROMIUM_ARGS, timeout: 30_000 });
      const log: string[] = [];
      let result: BrowserWebGPUResult | { error: string } | undefined;
      let version = '';
      try {
        version = await browser.version();
        const page = await browser.newPage();
        page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => log.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForFunction(() => window.__webpeftResult !== undefined, { timeout: RESULT_TIMEOUT_MS, polling: 250 });
        result = (await page.evaluate(() => window.__webpeftResult)) as typeof result;
      } finally {
        await browser.close().catch(() => {});
        server.close();
        rmSync(profile, { recursive: true, force: true });
      }
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
