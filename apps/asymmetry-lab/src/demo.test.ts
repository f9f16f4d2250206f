// End to end: `demo --quick` on the CPU backend writes the table, JSON and SVGs; a rerun skips
// finished runs and resumes an unfinished one from its checkpoint.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { captureIO } from './_test-io.ts';

const root = mkdtempSync(join(tmpdir(), 'asymmetry-lab-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const argv = ['demo', '--quick', '--seeds', '2', '--methods', 'ft,lora-r8,b-only-r8,a-only-r8', '--backend', 'cpu', '--out', root, '--name', 'quick'];
const dir = join(root, 'quick');

describe('demo --quick', () => {
  it('trains every method and seed and writes the table, JSON and SVGs', async () => {
    const io = captureIO(root);
    const outcome = await main(argv, io);
    expect(outcome.exitCode).toBe(0);
    expect(io.out()).toMatch(/backend: cpu — JavaScript typed arrays/);
    expect(io.out()).toContain('| method | trainable params | ID acc % |');
    expect(io.out()).toMatch(/The paper's ordering (held|did not hold|held only in part)/);
    for (const f of ['results.md', 'results.json', 'accuracy.svg', 'similarity-across-seeds.svg', 'log.jsonl', 'config.json']) expect(existsSync(join(dir, f)), f).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { summary: { method: string; trainable: number; seeds: number }[]; runs: unknown[]; similarity: { label: string }[] };
    expect(json.summary.map((r) => r.method)).toEqual(['ft', 'lora-r8', 'b-only-r8', 'a-only-r8']);
    expect(json.runs).toHaveLength(8);
    const trainable = Object.fromEntries(json.summary.map((r) => [r.method, r.trainable]));
    // q/v of 3 layers, d = 48, 10-class head (490): LoRA r·(48 + 48) per layer, one factor half of it
    expect(trainable['lora-r8']).toBe(6 * 8 * 96 + 490);
    expect(trainable['b-only-r8']).toBe(6 * 8 * 48 + 490);
    expect(trainable['a-only-r8']).toBe(6 * 8 * 48 + 490);
    expect(json.similarity.map((b) => b.label)).toHaveLength(3);
    expect(readFileSync(join(dir, 'accuracy.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(existsSync(join(dir, 'runs', 'lora-r8', 'seed-0', 'adapter', 'adapter_config.json'))).toBe(true);
    const events = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(events.filter((e) => e.event === 'finished')).toHaveLength(8);
  });

  it('a rerun skips finished runs and resumes an unfinished one from its checkpoint', async () => {
    rmSync(join(dir, 'runs', 'b-only-r8', 'seed-1', 'result.json'));
    const io = captureIO(root);
    expect((await main(argv, io)).exitCode).toBe(0);
    const lines = io.out().split('\n').filter((l) => /^\[\d+\/8\]/.test(l));
    expect(lines).toHaveLength(8);
    expect(lines.filter((l) => l.includes('skipped (finished earlier)'))).toHaveLength(7);
    expect(lines.find((l) => l.includes('B-only') && l.includes('seed 1'))).toMatch(/resumed from step 2/);
  });

  it('refuses to mix configurations in one run folder', async () => {
    const io = captureIO(root);
    await expect(main([...argv.slice(0, -2), '--name', 'quick', '--steps', '3'], io)).rejects.toThrow(/another configuration/);
  });
});
