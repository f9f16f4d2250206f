import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, type Tensor, concat, countKernels, fromArray, keep, noGrad, setBackend, slice, tensor, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, wave } from './_test-utils.ts';
import { KVCache, KVCacheLayer, type Linear, MultiHeadAttention, type MultiHeadAttentionOptions } from './mod.ts';

const cpu = cpuBackend();
setBackend(cpu);

const f64 = (values: number[], shape: number[]) => fromArray(values, shape, { dtype: 'f64' });
const i32 = (values: number[], shape: number[]) => fromArray(values, shape, { dtype: 'i32' });
const seqSlice = (x: Tensor, from: number, to: number) => slice(x, [0, from, 0], [x.shape[0]!, to, x.shape[2]!]);

const llamaLike: MultiHeadAttentionOptions = { hiddenSize: 16, numHeads: 4, numKVHeads: 2, bias: false, isCausal: true, rotary: { dim: 4, theta: 10000 }, dtype: 'f64' };

describe('KV cache', () => {
  for (const [label, opts] of [
    ['GQA + rotary (LLaMA)', llamaLike],
    ['MHA with bias, no rotary (BART decoder)', { hiddenSize: 12, numHeads: 3, isCausal: true, dtype: 'f64' as const }],
  ] as const) {
    it(`incremental decoding equals the full forward: ${label}`, () => {
      const attn = new MultiHeadAttention({ ...opts, generator: new Generator(3) });
      const h = attn.hiddenSize;
      const x = keep(f64(wave(2 * 7 * h), [2, 7, h]));
      const full = tidy(() => noGrad(() => attn.forward(x)));
      const cache = new KVCacheLayer();
      const pieces: Tensor[] = [];
      // a prompt of 3 tokens, then one token at a time
      for (const [from, to] of [[0, 3], [3, 4], [4, 5], [5, 6], [6, 7]] as const) {
        pieces.push(tidy(() => noGrad(() => attn.forward(seqSlice(x, from, to), { kvCache: cache }))));
        expect(cache.length).toBe(to);
      }
      const incremental = concat(pieces, 1);
      expectClose(`${label}: cached vs full`, incremental, Array.from(full.dataSync()), 1e-12);
      for (const t of [x, full, incremental, ...pieces]) t.dispose();
      cache.clear();
      attn.dispose();
    });
  }

  it('a padding mask over past + new positions works with the cache', () => {
    const attn = new MultiHeadAttention({ ...llamaLike, generator: new Generator(4) });
    tidy(() =>
      noGrad(() => {
        const x = f64(wave(2 * 4 * 16), [2, 4, 16]);
        const mask = [1, 1, 1, 1, 1, 1, 0, 1];
        const full = attn.forward(x, { attentionMask: i32(mask, [2, 4]) });
        const cache = new KVCacheLayer();
        const a = attn.forward(seqSlice(x, 0, 3), { kvCache: cache, attentionMask: i32([1, 1, 1, 1, 1, 0], [2, 3]) });
        const b = attn.forward(seqSlice(x, 3, 4), { kvCache: cache, attentionMask: i32(mask, [2, 4]) });
        expectClose('masked cached vs full', concat([a, b], 1), Array.from(full.dataSync()), 1e-12);
        cache.clear();
      }),
    );
    attn.dispose();
  });

  it('cross-attention projects the encoder states once and reuses them', () => {
    const attn = new MultiHeadAttention({ hiddenSize: 8, numHeads: 2, kvInputSize: 6, dtype: 'f64', generator: new Generator(5) });
    const cache = new KVCacheLayer();
    tidy(() =>
      noGrad(() => {
        const enc = f64(wave(2 * 5 * 6), [2, 5, 6]);
        const y1 = f64(wave(2 * 1 * 8, 1), [2, 1, 8]);
        const y2 = f64(wave(2 * 1 * 8, 2), [2, 1, 8]);
        const expected = attn.forward(y2, { keyValueStates: enc });
        attn.forward(y1, { keyValueStates: enc, kvCache: cache });
        expect(cache.length).toBe(5);
        let out: Tensor | null = null;
        const kernels = countKernels(() => {
          out = attn.forward(y2, { keyValueStates: enc, kvCache: cache });
        });
        // q and o projections plus QKᵀ and PV: no k/v projections on the second step
        expect(kernels.get('matmul')).toBe(4);
        expectClose('cross-attention with cache', out, Array.from(expected.dataSync()), 1e-12);
      }),
    );
    cache.clear();
    attn.dispose();
  });

  it('KVCache holds one layer per decoder layer, reorders beams and frees everything', () => {
    const before = cpu.memory();
    const cache = new KVCache(2);
    expect(() => cache.layer(2)).toThrow(/out of range/);
    tidy(() => {
      cache.layer(0).update(f64([1, 2, 3, 4], [2, 1, 1, 2]), f64([5, 6, 7, 8], [2, 1, 1, 2]));
      cache.layer(1).update(f64([1, 2, 3, 4], [2, 1, 1, 2]), f64([5, 6, 7, 8], [2, 1, 1, 2]));
    });
    expect(cache.length).toBe(1);
    const beams = i32([1, 1], [2]);
    cache.reorder(beams);
    beams.dispose();
    expect(Array.from(cache.layer(0).keys!.dataSync())).toEqual([3, 4, 3, 4]);
    expect(Array.from(cache.layer(1).values!.dataSync())).toEqual([7, 8, 7, 8]);
    expect(() => tidy(() => cache.layer(0).update(f64([1, 2, 3], [1, 1, 1, 3]), f64([1, 2, 3], [1, 1, 1, 3])))).toThrow(/do not continue/);
    cache.dispose();
    expect(cache.length).toBe(0);
    expect(cpu.memory()).toEqual(before);
  });
});

describe('attention semantics', () => {
  it('grouped-query attention equals MHA with each K/V head repeated over its group (repeat_kv)', () => {
    const gqa = new MultiHeadAttention({ ...llamaLike, generator: new Generator(8) });
    const mha = new MultiHeadAttention({ ...llamaLike, numKVHeads: 4, generator: new Generator(9) });
    const d = 4;
    tidy(() => {
      const state = gqa.stateDict();
      // MHA head h uses GQA kv head ⌊h / 2⌋: repeat each block of d rows twice
      const repeatHeads = (w: Tensor) => {
        const rows = Array.from(w.dataSync());
        const out: number[] = [];
        for (let h = 0; h < 4; h++) out.push(...rows.slice(Math.floor(h / 2) * d * 16, (Math.floor(h / 2) + 1) * d * 16));
        return f64(out, [16, 16]);
      };
      mha.loadStateDict({ ...state, 'k_proj.weight': repeatHeads(state['k_proj.weight']!), 'v_proj.weight': repeatHeads(state['v_proj.weight']!) });
      const x = f64(wave(2 * 5 * 16), [2, 5, 16]);
      const mask = i32([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [2, 5]);
      expectClose('GQA vs repeated MHA', gqa.forward(x, { attentionMask: mask }), Array.from(mha.forward(x, { attentionMask: mask }).dataSync()), 1e-12);
    });
    gqa.dispose();
    mha.dispose();
  });

  it('padded keys do not influence the real positions', () => {
    const attn = new MultiHeadAttention({ hiddenSize: 8, numHeads: 2, dtype: 'f64', generator: new Generator(10) });
    tidy(() => {
      const mask = i32([1, 1, 1, 0, 0], [1, 5]);
      const a = wave(5 * 8);
      const b = a.map((v, i) => (i >= 3 * 8 ? v * -7 + 3 : v));
      const ya = attn.forward(f64(a, [1, 5, 8]), { attentionMask: mask });
      const yb = attn.forward(f64(b, [1, 5, 8]), { attentionMask: mask });
      expectClose('real rows', slice(yb, [0, 0, 0], [1, 3, 8]), Array.from(slice(ya, [0, 0, 0], [1, 3, 8]).dataSync()), 1e-13);
    });
    attn.dispose();
  });

  it('explicit position ids equal the default positions; bool masks equal 0/1 masks', () => {
    const attn = new MultiHeadAttention({ ...llamaLike, generator: new Generator(11) });
    tidy(() => {
      const x = f64(wave(2 * 4 * 16), [2, 4, 16]);
      const base = Array.from(attn.forward(x).dataSync());
      expectClose('[B, S] ids', attn.forward(x, { positionIds: i32([0, 1, 2, 3, 0, 1, 2, 3], [2, 4]) }), base, 1e-13);
      expectClose('[S] ids', attn.forward(x, { positionIds: i32([0, 1, 2, 3], [4]) }), base, 1e-13);
      const m = [1, 1, 1, 0, 1, 1, 1, 1];
      const asBool = fromArray(m, [2, 4], { dtype: 'bool' });
      expectClose('bool mask', attn.forward(x, { attentionMask: asBool }), Array.from(attn.forward(x, { attentionMask: i32(m, [2, 4]) }).dataSync()), 0);
    });
    attn.dispose();
  });

  it('an additive attention bias is added to the scores per head', () => {
    const attn = new MultiHeadAttention({ hiddenSize: 8, numHeads: 2, dtype: 'f64', generator: new Generator(12) });
    tidy(() => {
      const x = f64(wave(3 * 8), [1, 3, 8]);
      // a -inf-like bias on key 2 equals masking it out
      const bias = f64([0, 0, -1e30, 0, 0, -1e30, 0, 0, -1e30], [1, 1, 3, 3]);
      expectClose('bias as mask', attn.forward(x, { attentionBias: bias }), Array.from(attn.forward(x, { attentionMask: i32([1, 1, 0], [1, 3]) }).dataSync()), 1e-13);
      expect(() => attn.forward(x, { attentionBias: f64([0, 0], [1, 1, 1, 2]) })).toThrow(/attentionBias \[1, 1, 1, 2\] must broadcast to \[1, 2, 3, 3\]/);
    });
    attn.dispose();
  });

  it('explains bad configurations and inputs', () => {
    expect(() => new MultiHeadAttention({ hiddenSize: 10, numHeads: 3 })).toThrow(/not divisible by numHeads/);
    expect(() => new MultiHeadAttention({ hiddenSize: 8, numHeads: 4, numKVHeads: 3 })).toThrow(/multiple of numKVHeads/);
    expect(() => new MultiHeadAttention({ hiddenSize: 8, numHeads: 2, rotary: { dim: 6 } })).toThrow(/rotary dim 6 exceeds headDim 4/);
    const attn = new MultiHeadAttention({ hiddenSize: 8, numHeads: 2, generator: new Generator(13) });
    tidy(() => {
      const x = tensor(wave(2 * 3 * 8), [2, 3, 8]);
      expect(() => attn.forward(x, { attentionMask: tensor([1, 1, 1, 1], [2, 2], { dtype: 'i32' }) })).toThrow(/attentionMask \[2, 2\] must be \[2, 3\]/);
      expect(() => attn.forward(tensor(wave(8), [1, 8]))).toThrow(/must be \[batch, seq, 8\]/);
    });
    attn.dispose();
  });

  it('attention dropout is active in training only', () => {
    const attn = new MultiHeadAttention({ hiddenSize: 8, numHeads: 2, dropout: 0.5, generator: new Generator(14) });
    tidy(() => {
      const x = tensor(wave(2 * 4 * 8), [2, 4, 8]);
      attn.eval();
      const a = Array.from(attn.forward(x).dataSync());
      expect(Array.from(attn.forward(x).dataSync())).toEqual(a);
      attn.train();
      expect(Array.from(attn.forward(x).dataSync())).not.toEqual(a);
    });
    expect((attn.q as Linear).weight.requiresGrad).toBe(true);
    attn.dispose();
  });
});
