import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveSafetensors } from '@webpeft/safetensors/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisError } from './errors.ts';
import { ADAPTER_WEIGHTS_NAME, adapterSimilarity, loadAdapterFactors } from './node.ts';
import { adapterFactorsFromTensors, parseLoraKey } from './peft.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webpeft-analysis-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const flat = (rows: number, cols: number, f: (i: number, j: number) => number): number[] => Array.from({ length: rows * cols }, (_, k) => f(Math.floor(k / cols), k % cols));

describe('PEFT keys', () => {
  it('parses base_model.model.<path>.lora_A/B(.adapter).weight and ignores other keys', () => {
    expect(parseLoraKey('base_model.model.encoder.layer.0.attention.self.query.lora_A.weight')).toEqual({ layer: 'encoder.layer.0.attention.self.query', factor: 'A' });
    expect(parseLoraKey('base_model.model.blocks.3.attn.qkv.lora_B.default.weight')).toEqual({ layer: 'blocks.3.attn.qkv', factor: 'B' });
    expect(parseLoraKey('base_model.model.classifier.weight')).toBeNull();
    expect(parseLoraKey('base_model.model.q.lora_embedding_A')).toBeNull();
  });
  it('reports a layer with only one factor and mismatched ranks', () => {
    const t = (shape: number[]): { shape: number[]; data: number[] } => ({ shape, data: new Array<number>(shape[0]! * shape[1]!).fill(1) });
    expect(() => adapterFactorsFromTensors([['base_model.model.q.lora_A.weight', t([2, 4])]])).toThrow(/has lora_A but no lora_B/);
    expect(() => adapterFactorsFromTensors([['base_model.model.q.lora_A.weight', t([2, 4])], ['base_model.model.q.lora_B.weight', t([4, 3])]])).toThrow(/ranks differ/);
    expect(() => adapterFactorsFromTensors([['model.classifier.weight', t([2, 2])]])).toThrow(AnalysisError);
  });
});

describe('loadAdapterFactors (Node)', () => {
  it('reads A (r×d_in) and B (d_out×r) per layer from adapter_model.safetensors, any float dtype', async () => {
    const A0 = flat(2, 3, (i, j) => i + j / 4); // exactly representable in bf16
    const B0 = flat(4, 2, (i, j) => i - j);
    const A1 = flat(2, 3, (i, j) => 0.1 * (i + 1) * (j - 1) + (i === j ? 1 : 0));
    const B1 = flat(4, 2, (i, j) => Math.sqrt(i + j + 1));
    await saveSafetensors(join(dir, ADAPTER_WEIGHTS_NAME), {
      'base_model.model.layers.0.q.lora_A.weight': { dtype: 'bf16', shape: [2, 3], data: new Float32Array(A0) },
      'base_model.model.layers.0.q.lora_B.weight': { dtype: 'f32', shape: [4, 2], data: new Float32Array(B0) },
      'base_model.model.layers.1.q.lora_A.weight': { dtype: 'f64', shape: [2, 3], data: new Float64Array(A1) },
      'base_model.model.layers.1.q.lora_B.weight': { dtype: 'f64', shape: [4, 2], data: new Float64Array(B1) },
      'base_model.model.classifier.weight': { dtype: 'f32', shape: [2, 2], data: new Float32Array(4) },
    });
    const factors = await loadAdapterFactors(dir);
    expect(Object.keys(factors).sort()).toEqual(['layers.0.q', 'layers.1.q']);
    expect(factors['layers.0.q']!.A).toEqual([A0.slice(0, 3), A0.slice(3)]);
    expect(factors['layers.0.q']!.B).toEqual([0, 1, 2, 3].map((i) => B0.slice(2 * i, 2 * i + 2)));
    expect(factors['layers.1.q']!.A.flat()).toEqual(A1); // f64 kept exactly
    expect(factors['layers.1.q']!.B.flat()).toEqual(B1);
    // the file path works too, and the result feeds adapterSimilarity directly
    const again = await loadAdapterFactors(join(dir, ADAPTER_WEIGHTS_NAME));
    for (const l of adapterSimilarity(factors, again)) {
      expect(l.A).toBeCloseTo(1, 12);
      expect(l.B).toBeCloseTo(1, 12);
    }
  });
  it('fails clearly for a missing folder or file', async () => {
    await expect(loadAdapterFactors(join(dir, 'nope'))).rejects.toThrow(/ENOENT|no such file/);
  });
});
