// Shared by the browser tests: bundle an entry from the package sources with esbuild, serve it
// from 127.0.0.1 (a secure context, unlike file: or a LAN address), and run it in headless
// Chromium (the system's, through puppeteer-core; no browser is downloaded) until the page sets
// `window.__webpeftResult`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export const chromium = process.env.WEBPEFT_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(chromium);

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

export async function bundleEntry(entry: string): Promise<string> {
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

export interface ServeOptions {
  /** Send COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer, threads). */
  readonly isolated?: boolean;
  /** Extra files by URL path (e.g. `/wasm/webpeft.wasm` → a path on disk). */
  readonly files?: Readonly<Record<string, string>>;
}

/** Serves the page, the bundle and `files` on 127.0.0.1 only. */
export async function serve(js: string, title: string, opts: ServeOptions = {}): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/entry.js"></script>`;
  const isolation = opts.isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...isolation }).end(html);
    else if (path === '/entry.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...isolation }).end(js);
    else if (opts.files?.[path]) res.writeHead(200, { 'content-type': path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream', ...isolation }).end(readFileSync(opts.files[path]));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Open `url` in headless Chromium and return what the page puts in window.__webpeftResult, its console log and the browser version. */
export async function runPage<R>(url: string, timeoutMs: number): Promise<{ result: R | { error: string } | undefined; log: string[]; version: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'webpeft-chromium-'));
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, userDataDir: profile, args: CHROMIUM_ARGS, timeout: 30_000 });
  const log: string[] = [];
  let result: R | { error: string } | undefined;
  let version = '';
  try {
    version = await browser.version();
    const page = await browser.newPage();
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as { __webpeftResult?: unknown }).__webpeftResult !== undefined, { timeout: timeoutMs, polling: 250 });
    result = (await page.evaluate(() => (window as { __webpeftResult?: unknown }).__webpeftResult)) as typeof result;
  } finally {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
  return { result, log, version };
}
