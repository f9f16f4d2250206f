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
});
