import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, parseCli } from './cli.ts';
import { main } from './main.ts';
import { asciiChart, lossCurveSvg, resultsTable } from './report.ts';
import { type MethodResult, runExperiment } from './train.ts';

const byMethod = (results: readonly MethodResult[], method: string) => results.find((r) => r.method === method)!;

describe('training (isotropic inputs x ~ N(0, I))', () => {
  const run = runExperiment({ steps: 100, seed: 3 });
  const lora = byMethod(run.results, 'lora');
  const bOnly = byMethod(run.results, 'b-only');
  const aOnly = byMethod(run.results, 'a-only');

  it('starts every method from the same loss (ΔŴ = 0)', () => {
    expect(bOnly.initialLoss).toBeCloseTo(lora.initialLoss, 6);
    expect(aOnly.initialLoss).toBeCloseTo(lora.initialLoss, 6);
    expect(lora.lossCurve).toHaveLength(101);
    expect(lora.trainLosses).toHaveLength(100);
  });

  it('LoRA drives the loss well below its initial value, towards the noise floor', () => {
    expect(lora.finalLoss).toBeLessThan(0.1 * lora.initialLoss);
    expect(lora.finalLoss).toBeGreaterThanOrEqual(run.noiseFloor * 0.999);
  });

  it('B-only and A-only decrease the loss and reach their closed-form optimum with the frozen factor', () => {
    for (const m of [bOnly, aOnly]) {
      expect(m.finalLoss).toBeLessThan(m.initialLoss);
      expect(m.optimumLoss).not.toBeNull();
      // a random rank-r factor sees only ≈ r/d of Δ, so the optimum stays near (1 − r/d)·initial
      expect(m.finalLoss).toBeLessThan(m.optimumLoss! + 0.05 * (m.initialLoss - m.optimumLoss!));
      expect(m.finalLoss).toBeGreaterThanOrEqual(m.optimumLoss! * 0.999);
    }
  });

  it('counts trainable parameters: r·(dIn + dOut) for LoRA, half of that for one factor', () => {
    expect([lora.trainableParams, bOnly.trainableParams, aOnly.trainableParams]).toEqual([256, 128, 128]);
  });

  it('is deterministic for a seed', () => {
    const again = runExperiment({ steps: 100, seed: 3, methods: ['b-only'] });
    expect(again.results[0]!.lossCurve).toEqual(bOnly.lossCurve);
  });
});

describe('training (inputs on a 2-dim subspace): the asymmetry', () => {
  const run = runExperiment({ steps: 100, seed: 1, inputRank: 2 });
  const bOnly = byMethod(run.results, 'b-only');
  const aOnly = byMethod(run.results, 'a-only');
  const lora = byMethod(run.results, 'lora');

  it('B-only and LoRA reach a loss well below the initial one', () => {
    expect(bOnly.finalLoss).toBeLessThan(0.05 * bOnly.initialLoss);
    expect(lora.finalLoss).toBeLessThan(0.05 * lora.initialLoss);
  });

  it('A-only cannot: a frozen random B only writes into r of the d output directions', () => {
    expect(aOnly.finalLoss).toBeGreaterThan(0.5 * aOnly.initialLoss);
    expect(aOnly.finalLoss).toBeGreaterThan(10 * bOnly.finalLoss);
  });
});

describe('cli', () => {
  it('parses flags', () => {
    const o = parseCli(['--steps', '40', '--seed', '7', '--out', 'x/y', '--input-rank', '2', '--methods', 'lora,b-only']);
    expect(o.outDir).toBe('x/y');
    expect(o.experiment).toMatchObject({ steps: 40, seed: 7, inputRank: 2, methods: ['lora', 'b-only'], logEvery: 4 });
    expect(parseCli(['-h']).help).toBe(true);
  });

  it('rejects bad values with a usage error', () => {
    expect(() => parseCli(['--steps', '0'])).toThrow(UsageError);
    expect(() => parseCli(['--steps', 'many'])).toThrow(/--steps expects an integer/);
    expect(() => parseCli(['--methods', 'lora,vera'])).toThrow(/unknown method/);
    expect(() => parseCli(['--bogus'])).toThrow(UsageError);
  });
});

describe('main', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lora-regression-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function sink(isTTY: boolean) {
    const chunks: string[] = [];
    return { isTTY, chunks, write: (s: string) => chunks.push(s) };
  }

  it('writes JSON progress lines when stdout is not a terminal, then the table, chart and files', () => {
    const stdout = sink(false);
    const stderr = sink(false);
    const outcome = main(['--steps', '20', '--out', 'out'], { stdout, stderr, cwd: dir });
    expect(outcome.exitCode).toBe(0);
    const text = stdout.chunks.join('');
    const progress = text.split('\n').filter((l) => l.startsWith('{'));
    expect(progress).toHaveLength(3 * 10);
    expect(JSON.parse(progress[0]!)).toMatchObject({ event: 'progress', method: 'lora', step: 2, steps: 20 });
    expect(text).toContain('| method');
    expect(text).toContain('noise floor');
    const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8'));
    expect(results.results).toHaveLength(3);
    expect(readFileSync(join(dir, 'out', 'loss-curve.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
    expect(existsSync(join(dir, 'out', 'log.jsonl'))).toBe(true);
  });

  it('draws a bar on a terminal', () => {
    const stdout = sink(true);
    main(['--steps', '10', '--methods', 'lora', '--out', 'tty'], { stdout, stderr: sink(false), cwd: dir });
    expect(stdout.chunks.join('')).toMatch(/\rlora\s+█+░*\s+\d+% step/);
  });

  it('prints help and rejects bad flags with exit code 2', () => {
    const out = sink(false);
    expect(main(['--help'], { stdout: out, stderr: sink(false), cwd: dir }).exitCode).toBe(0);
    expect(out.chunks.join('')).toContain('Usage:');
    const err = sink(false);
    expect(main(['--steps', '-3'], { stdout: sink(false), stderr: err, cwd: dir }).exitCode).toBe(2);
    expect(err.chunks.join('')).toContain('--steps');
  });

  it('renders reports for any run', () => {
    const r = runExperiment({ steps: 5, methods: ['a-only'] });
    expect(resultsTable(r).split('\n')).toHaveLength(3);
    expect(asciiChart(r)).toContain('A');
    expect(lossCurveSvg(r)).toContain('a-only');
  });
});
