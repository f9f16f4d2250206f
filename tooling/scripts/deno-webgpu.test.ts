// `npm test` runs the op conformance suite and the matmul parity cases under Deno's WebGPU too (wgpu, not Dawn).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const launcher = join(import.meta.dirname, 'deno-smoke.mjs');

describe('deno webgpu conformance', () => {
  it('passes every PyTorch fixture and every matmul variant on navigator.gpu under Deno (or says why it skipped)', () => {
    const run = spawnSync(process.execPath, [launcher, 'deno-webgpu.ts'], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.error, output).toBeUndefined();
    expect(run.status, output).toBe(0);
    if (/deno webgpu: skipped/.test(run.stdout)) {
      console.warn(`[deno-webgpu] ${run.stdout.trim()}`);
      return;
    }
    expect(run.stdout).toMatch(/webgpu adapter: /);
    const m = /^(\d+) passed, (\d+) failed$/m.exec(run.stdout);
    expect(m, output).not.toBeNull();
    expect(Number(m![2])).toBe(0);
    expect(Number(m![1])).toBeGreaterThan(600); // 382 op cases + 256 matmul parity cases
  });
});
