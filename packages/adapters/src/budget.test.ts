import { cpuBackend } from '@webpeft/backend-cpu';
import { setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TinyClassifier } from './_test-models.ts';
import { injectAdapter } from './adapter-model.ts';
import { adapterParameters, factorDimensions, generalizationBound, matchRank } from './budget.ts';
import { groupThousands, trainableReport } from './report.ts';

setBackend(cpuBackend());

describe('rank budget (§4)', () => {
  const square = [{ dIn: 1024, dOut: 1024 }, { dIn: 1024, dOut: 1024 }];

  it('B-only r = 16 matches LoRA r = 8 when d_in = d_out (Table 1), in parameters and in the Lemma 4.5 bound', () => {
    expect(adapterParameters(square, 8, 'BA')).toBe(8 * 2 * 2048);
    const m = matchRank(square, 8, 'B');
    expect(m).toEqual({ byParameters: 16, byBound: 16, loraParameters: 32768, parameters: 32768 });
    expect(generalizationBound(square, 16, 'B', { n: 1000 })).toBeCloseTo(generalizationBound(square, 8, 'BA', { n: 1000 }), 12);
  });

  it('Lemma 4.5: √(2·r·q·σ²·ln2/n · Σ dims) with d_in + d_out, d_out or d_in', () => {
    const layers = [{ dIn: 768, dOut: 3072 }];
    expect(factorDimensions(layers, 'BA')).toBe(3840);
    expect(factorDimensions(layers, 'B')).toBe(3072);
    expect(factorDimensions(layers, 'A')).toBe(768);
    expect(generalizationBound(layers, 8, 'A', { n: 100, q: 16, sigma: 2 })).toBeCloseTo(Math.sqrt(((2 * 8 * 16 * 4 * Math.LN2) / 100) * 768), 12);
    // a wide layer: A-only may use a larger rank than B-only for the same budget
    expect(matchRank(layers, 8, 'A').byParameters).toBe(40);
    expect(matchRank(layers, 8, 'B').byParameters).toBe(10);
    expect(() => matchRank(layers, 0, 'B')).toThrow(/positive integer/);
    expect(() => generalizationBound([], 1, 'B', { n: 1 })).toThrow(/at least one/);
  });
});

describe('trainable-parameter report (PEFT format)', () => {
  it('prints PEFT\'s line and counts adapters and the head', async () => {
    expect(groupThousands(1234567)).toBe('1,234,567');
    const model = new TinyClassifier();
    const all = model.numParameters();
    await injectAdapter(model, { method: 'b-only', r: 2, targetModules: ['q_proj', 'v_proj'], modulesToSave: ['classifier'] });
    const r = trainableReport(model);
    const trainable = 2 * (8 * 2) + (3 * 8 + 3); // B of q and v, the head
    expect(r.trainable).toBe(trainable);
    expect(r.all).toBe(all + 2 * (2 * 8 + 8 * 2));
    expect(r.line).toBe(`trainable params: ${trainable} || all params: ${r.all} || trainable%: ${((100 * trainable) / r.all).toFixed(4)}`);
    expect(r.line).toMatch(/^trainable params: 59 \|\| all params: 6\d\d \|\| trainable%: \d+\.\d{4}$/);
  });
});
