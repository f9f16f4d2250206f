// Training and generation loops keep memory flat, and nothing in forward or backward reads
// values back to the host (so the layers run on backends without synchronous readback).
import { cpuBackend } from '@webpeft/backend-cpu';
import { type Backend, Generator, add, type Tensor, UnsupportedError, argmax, fromArray, noGrad, reshape, setBackend, slice, sub, mul, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, Embedding, GatedMLP, KVCache, Linear, Module, MultiHeadAttention, RMSNorm, type ModuleOptions, crossEntropy } from './mod.ts';

const cpu = cpuBackend();
setBackend(cpu);

/** A one-layer LLaMA-style decoder: every layer of the package in one forward pass. */
class TinyDecoder extends Module {
  readonly embed: Embedding;
  readonly norm: RMSNorm;
  readonly attn: MultiHeadAttention;
  readonly mlpNorm: RMSNorm;
  readonly mlp: GatedMLP;
  readonly drop: Dropout;
  readonly head: Linear;

  constructor(opts: ModuleOptions, readonly vocab = 11, hidden = 16) {
    super();
    this.embed = this.registerModule('embed_tokens', new Embedding(vocab, hidden, { ...opts, paddingIdx: 0 }));
    this.norm = this.registerModule('input_layernorm', new RMSNorm(hidden, opts));
    this.attn = this.registerModule('self_attn', new MultiHeadAttention({ ...opts, hiddenSize: hidden, numHeads: 4, numKVHeads: 2, bias: false, isCausal: true, rotary: { dim: 4, maxPositions: 64 } }));
    this.mlpNorm = this.registerModule('post_attention_layernorm', new RMSNorm(hidden, opts));
    this.mlp = this.registerModule('mlp', new GatedMLP({ ...opts, hidden, intermediate: 24 }));
    this.drop = this.registerModule('dropout', new Dropout(0.1, opts.generator ? { generator: opts.generator } : {}));
    this.head = this.registerModule('lm_head', new Linear(hidden, vocab, { ...opts, bias: false }));
  }

  forward(ids: Tensor, extra: { attentionMask?: Tensor; cache?: KVCache } = {}): Tensor {
    let h = this.drop.forward(this.embed.forward(ids));
    const a = this.attn.forward(this.norm.forward(h), { ...(extra.attentionMask && { attentionMask: extra.attentionMask }), ...(extra.cache && { kvCache: extra.cache.layer(0) }) });
    h = add(h, a);
    h = add(h, this.mlp.forward(this.mlpNorm.forward(h)));
    return this.head.forward(h);
  }
}

function sgd(m: Module, lr: number): void {
  noGrad(() => {
    for (const p of m.parameters()) {
      if (!p.grad) continue;
      p.assign(sub(p, mul(p.grad, lr)));
    }
  });
  m.zeroGrad();
}

const ids = [1, 4, 2, 7, 3, 0, 5, 9, 2, 6, 8, 0];
const targets = [4, 2, 7, 3, -100, -100, 9, 2, 6, 8, -100, -100];
const mask = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0];

describe('memory and backend independence', () => {
  it('a 300-step training loop under tidy keeps memory flat and learns', () => {
    const model = new TinyDecoder({ generator: new Generator(21) });
    const x = fromArray(ids, [2, 6], { dtype: 'i32' });
    const y = fromArray(targets, [2, 6], { dtype: 'i32' });
    const m = fromArray(mask, [2, 6], { dtype: 'i32' });
    const step = () =>
      tidy(() => {
        const loss = crossEntropy(model.forward(x, { attentionMask: m }), y, { labelSmoothing: 0.05 });
        loss.backward();
        sgd(model, 0.2);
        return loss.dataSync()[0]!;
      });
    const first = step();
    for (let i = 0; i < 10; i++) step();
    const baseline = cpu.memory();
    let last = first;
    for (let i = 0; i < 300; i++) last = step();
    expect(cpu.memory()).toEqual(baseline);
    expect(last).toBeLessThan(first * 0.5);
    for (const t of [x, y, m]) t.dispose();
    model.dispose();
  });

  it('greedy generation with a KV cache: memory returns to the baseline after the cache is freed', () => {
    const model = new TinyDecoder({ generator: new Generator(22) }).eval();
    // warm-up: builds the rotary tables (kept until the model is disposed)
    tidy(() => noGrad(() => model.forward(fromArray([1], [1, 1], { dtype: 'i32' }))));
    const before = cpu.memory();
    const cache = new KVCache(1);
    let token = tidy(() => {
      const logits = noGrad(() => model.forward(fromArray([1, 4, 2], [1, 3], { dtype: 'i32' }), { cache }));
      return reshape(argmax(slice(logits, [0, 2, 0]), -1), [1, 1]);
    });
    for (let i = 0; i < 20; i++) {
      const next = tidy(() => reshape(argmax(noGrad(() => model.forward(token, { cache })), -1), [1, 1]));
      token.dispose();
      token = next;
    }
    expect(cache.length).toBe(23);
    token.dispose();
    cache.dispose();
    expect(cpu.memory()).toEqual(before);
    model.dispose();
  });

  it('forward and backward never read values back synchronously', () => {
    // the CPU kernels, behind a backend without readSync (like WebGPU)
    const asyncOnly: Backend & { adopt: typeof cpu.adopt } = {
      name: cpu.name,
      adopt: (a) => cpu.adopt(a),
      dtypes: cpu.dtypes,
      upload: (v, d) => cpu.upload(v, d),
      read: (s, m) => cpu.read(s as never, m),
      release: (s) => cpu.release(s as never),
      memory: () => cpu.memory(),
    };
    const model = new TinyDecoder({ backend: asyncOnly, generator: new Generator(23) });
    tidy(() => {
      const x = fromArray(ids, [2, 6], { dtype: 'i32', backend: asyncOnly });
      expect(() => x.dataSync()).toThrow(UnsupportedError);
      const loss = crossEntropy(model.forward(x, { attentionMask: fromArray(mask, [2, 6], { dtype: 'i32', backend: asyncOnly }) }), fromArray(targets, [2, 6], { dtype: 'i32', backend: asyncOnly }));
      loss.backward();
    });
    expect([...model.parameters()].every((p) => p.grad !== null)).toBe(true);
    model.dispose();
  });
});
