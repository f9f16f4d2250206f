// `npm test` covers Deno: run the smoke script through its launcher and check what it says.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const launcher = join(import.meta.dirname, 'deno-smoke.mjs');

describe('deno smoke', () => {
  it('imports the tensor core and CPU backend from sources and trains a linear layer under Deno', () => {
    const run = spawnSync(process.execPath, [launcher], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.error, output).toBeUndefined();
    expect(run.status, output).toBe(0);
    expect(run.stdout).toMatch(/^deno \d+\.\d+\.\d+: linear layer, 20 SGD steps, loss [\d.]+ -> [\d.]+$/m);
    expect(run.stdout).toContain('deno smoke OK');
    const [, first, last] = /loss ([\d.]+) -> ([\d.]+)/.exec(run.stdout)!;
    expect(Number(last)).toBeLessThan(Number(first) / 2);
  });

  it('runs the WASM backend under Deno: 2 threads on Deno workers, the FMA build, matmul = CPU, a LoRA layer trains', () => {
    const run = spawnSync(process.execPath, [launcher, 'deno-wasm.ts'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(run.stdout).toMatch(/^deno [\d.]+ \(V8 [^)]+\): WebAssembly Relaxed SIMD \(FMA\), 2 threads$/m);
    const [, delta] = /max \|Δ\|\/√K = ([\d.e+-]+)/.exec(run.stdout)!;
    expect(Number(delta)).toBeLessThan(1e-5);
    const [, first, last] = /loss ([\d.]+) -> ([\d.]+)/.exec(run.stdout)!;
    expect(Number(last)).toBeLessThan(Number(first) / 2);
    expect(run.stdout).toContain('deno wasm OK');
  });
});
