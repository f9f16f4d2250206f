// Choosing the build: Relaxed SIMD (FMA) where the engine validates it, the portable SIMD128 build
// elsewhere, an error when FMA is required but missing. Run in a fresh Node process, since turning
// on V8's flag (enableNodeRelaxedSimd) is process-wide and other test files do it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { v8ShipsRelaxedSimd } from './_test-utils.ts';

const root = join(import.meta.dirname, '..');
const ships = v8ShipsRelaxedSimd();

function child(script: string): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, ['--conditions=@webpeft/source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('Relaxed SIMD selection', () => {
  it('knows which V8 versions ship Relaxed SIMD unflagged', () => {
    expect(['9.9.1', '11.3.244.8', '11.4.183', '12.4.254', '13.6.233.17'].map((v) => v8ShipsRelaxedSimd(v))).toEqual([false, false, true, true, true]);
  });

  it('auto uses the engine as it is; relaxedSimd: true without support is a WasmLoadError naming the flag', () => {
    const r = child(`
      import { wasmBackend, relaxedSimdSupported, enableNodeRelaxedSimd, WasmLoadError } from './src/mod.ts';
      const out = { before: relaxedSimdSupported() };
      out.auto = (await wasmBackend({ threads: 1 })).relaxedSimd;
      try { await wasmBackend({ threads: 1, relaxedSimd: true }); out.forced = 'ok'; } catch (e) { out.forced = (e instanceof WasmLoadError) + ' ' + e.message; }
      out.enabled = await enableNodeRelaxedSimd();
      const fma = await wasmBackend({ threads: 1 });
      out.after = fma.relaxedSimd;
      out.summary = fma.summary;
      out.portable = (await wasmBackend({ threads: 1, relaxedSimd: false })).relaxedSimd;
      console.log(JSON.stringify(out));
    `);
    expect(r.status, r.out).toBe(0);
    const out = JSON.parse(r.out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out['before']).toBe(ships);
    expect(out['auto']).toBe(ships);
    if (ships) expect(out['forced']).toBe('ok');
    else expect(out['forced']).toMatch(/^true .*does not validate Relaxed SIMD.*--experimental-wasm-relaxed-simd/);
    expect(out['enabled']).toBe(true);
    expect(out['after']).toBe(true);
    expect(out['summary']).toBe('WebAssembly Relaxed SIMD (FMA), 1 thread');
    expect(out['portable']).toBe(false);
  });
});
