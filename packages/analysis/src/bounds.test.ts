import { describe, expect, it } from 'vitest';
import { FIXTURES } from './_fixtures.ts';
import { type LayerShape, adapterParameters, equalBoundRank, equalParameterRank, fullParameterCount, generalizationBound, parameterCount, parameterTable } from './bounds.ts';
import { AnalysisError } from './errors.ts';

describe('Lemma 4.5 generalization bound', () => {
  it('by hand: one 4→6 layer, r=2, q=16 bits, σ=0.5, n=1000', () => {
    const common = { r: 2, q: 16, sigma: 0.5, n: 1000, layers: [[4, 6]] as LayerShape[] };
    // sqrt(2·r·q·σ²·ln2/n · D): D = 10 (BA), 6 (B), 4 (A)
    expect(generalizationBound({ ...common, tuned: 'BA' })).toBeCloseTo(Math.sqrt(((2 * 2 * 16 * 0.25 * Math.LN2) / 1000) * 10), 15);
    expect(generalizationBound({ ...common, tuned: 'B' })).toBeCloseTo(Math.sqrt(0.016 * Math.LN2 * 6), 15);
    expect(generalizationBound({ ...common, tuned: 'A' })).toBeCloseTo(Math.sqrt(0.016 * Math.LN2 * 4), 15);
  });
  for (const c of FIXTURES.bounds) {
    it(`matches the Python formula: ${c.name}`, () => {
      expect(generalizationBound(c)).toBeCloseTo(c.bound, 12);
    });
  }
  it('B-only’s bound is LoRA’s × sqrt(d_out / (d_in + d_out)) — 1/√2 on square layers', () => {
    const layers: LayerShape[] = [[768, 768], [768, 3072]];
    const o = { r: 8, q: 32, sigma: 1, n: 5000, layers };
    const ba = generalizationBound({ ...o, tuned: 'BA' });
    expect(generalizationBound({ ...o, tuned: 'B' }) / ba).toBeCloseTo(Math.sqrt((768 + 3072) / (768 * 2 + 768 + 3072)), 14);
    expect(generalizationBound({ ...o, layers: [[512, 512]], tuned: 'B' }) / generalizationBound({ ...o, layers: [[512, 512]], tuned: 'BA' })).toBeCloseTo(Math.SQRT1_2, 14);
  });
  it('rejects bad arguments by name', () => {
    const ok = { r: 8, q: 32, sigma: 1, n: 100, layers: [[4, 4]] as LayerShape[], tuned: 'BA' as const };
    expect(() => generalizationBound({ ...ok, n: 0 })).toThrow(/n must be a positive integer/);
    expect(() => generalizationBound({ ...ok, r: 2.5 })).toThrow(/r must be/);
    expect(() => generalizationBound({ ...ok, layers: [] })).toThrow(/non-empty/);
    expect(() => generalizationBound({ ...ok, layers: [[4, 0]] })).toThrow(/layers\[0\]/);
    expect(() => generalizationBound({ ...ok, tuned: 'AB' as 'BA' })).toThrow(AnalysisError);
  });
});

describe('parameter counts', () => {
  const qv: LayerShape[] = [[1024, 1024], [1024, 1024]];
  it('LoRA r·(d_in+d_out), B-only r·d_out, A-only r·d_in, per layer and in total', () => {
    const layers: LayerShape[] = [[64, 256], [256, 64]];
    expect(parameterCount({ r: 4, layers, tuned: 'BA' })).toEqual({ perLayer: [1280, 1280], total: 2560 });
    expect(parameterCount({ r: 4, layers, tuned: 'B' })).toEqual({ perLayer: [1024, 256], total: 1280 });
    expect(parameterCount({ r: 4, layers, tuned: 'A' })).toEqual({ perLayer: [256, 1024], total: 1280 });
    expect(adapterParameters([64, 256], 4, 'B')).toBe(1024);
    expect(fullParameterCount(layers)).toBe(2 * 64 * 256);
    expect(fullParameterCount(layers, { bias: true })).toBe(2 * 64 * 256 + 256 + 64);
  });
  it('RoBERTa-large q,v in 24 layers at r=8: 786,432 LoRA parameters; B-only half', () => {
    const layers: LayerShape[] = Array.from({ length: 48 }, () => [1024, 1024] as const);
    expect(parameterCount({ r: 8, layers, tuned: 'BA' }).total).toBe(786_432);
    expect(parameterCount({ r: 8, layers, tuned: 'B' }).total).toBe(393_216);
    expect(parameterCount({ r: 16, layers, tuned: 'B' }).total).toBe(786_432);
  });
  it('parameterTable: every method × target set, with the fraction of the model', () => {
    const rows = parameterTable({
      methods: [{ label: 'LoRA r=8', r: 8, tuned: 'BA' }, { label: 'B̂0A_rand r=16', r: 16, tuned: 'B' }],
      targets: { 'q,v': qv, 'q,k,v': [...qv, [1024, 1024]] },
      modelParameters: 1_000_000,
    });
    expect(rows.map((r) => [r.method, r.target, r.total])).toEqual([
      ['LoRA r=8', 'q,v', 32768],
      ['B̂0A_rand r=16', 'q,v', 32768],
      ['LoRA r=8', 'q,k,v', 49152],
      ['B̂0A_rand r=16', 'q,k,v', 49152],
    ]);
    expect(rows[0]!.fraction).toBeCloseTo(0.032768, 12);
  });
  it('the rank a one-factor adapter may use at equal parameter count / equal bound', () => {
    expect(equalParameterRank({ r: 8, layers: qv, to: 'B' })).toBe(16); // d_in = d_out: 2r
    expect(equalBoundRank({ r: 8, layers: qv, to: 'B' })).toBe(16);
    const wide: LayerShape[] = [[768, 3072]]; // MLP up-projection
    expect(equalParameterRank({ r: 8, layers: wide, to: 'B' })).toBe(10); // ⌊8·3840/3072⌋
    expect(equalParameterRank({ r: 8, layers: wide, to: 'A' })).toBe(40); // ⌊8·3840/768⌋
    expect(equalParameterRank({ r: 16, layers: qv, from: 'B', to: 'BA' })).toBe(8);
    const mixed: LayerShape[] = [[64, 256], [256, 64], [100, 37]];
    for (const to of ['BA', 'B', 'A'] as const) {
      for (const r of [1, 3, 8, 13]) {
        const rank = equalParameterRank({ r, layers: mixed, to });
        expect(equalBoundRank({ r, layers: mixed, to })).toBe(rank); // bound² ∝ parameter count
        const budget = parameterCount({ r, layers: mixed, tuned: 'BA' }).total;
        expect(parameterCount({ r: rank, layers: mixed, tuned: to }).total).toBeLessThanOrEqual(budget);
        expect(parameterCount({ r: rank + 1, layers: mixed, tuned: to }).total).toBeGreaterThan(budget);
      }
    }
  });
});
