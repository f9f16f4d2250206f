// Small models for this package's tests (not part of the public surface).
import { Linear, MLP, Module, MultiHeadAttention } from '@webpeft/nn';
import { type Backend, Generator, type Tensor, add, fromArray, getBackend, mean, relu } from '@webpeft/tensor';

/** x → fc2(relu(fc1(x))). */
export class TwoLayerMLP extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(dIn: number, hidden: number, dOut: number, opts: { seed?: number; dtype?: 'f32' | 'f64' } = {}) {
    super();
    const generator = new Generator(opts.seed ?? 1);
    const o = { generator, dtype: opts.dtype ?? 'f32' } as const;
    this.fc1 = this.registerModule('fc1', new Linear(dIn, hidden, o));
    this.fc2 = this.registerModule('fc2', new Linear(hidden, dOut, o));
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(relu(this.fc1.forward(x)));
  }
}

/** A tiny transformer block with a classification head: attn (q/k/v/o_proj), mlp (fc1/fc2), classifier. */
export class TinyClassifier extends Module {
  readonly attn: MultiHeadAttention;
  readonly mlp: MLP;
  readonly classifier: Linear;

  constructor(opts: { hidden?: number; classes?: number; seed?: number; dtype?: 'f32' | 'f64' } = {}) {
    super();
    const hidden = opts.hidden ?? 8;
    const generator = new Generator(opts.seed ?? 3);
    const o = { generator, dtype: opts.dtype ?? 'f32' } as const;
    this.attn = this.registerModule('attn', new MultiHeadAttention({ hiddenSize: hidden, numHeads: 2, ...o }));
    this.mlp = this.registerModule('mlp', new MLP({ hidden, intermediate: 2 * hidden, ...o }));
    this.classifier = this.registerModule('classifier', new Linear(hidden, opts.classes ?? 3, o));
  }

  /** hidden [B, S, H] → logits [B, classes] (mean-pooled). */
  forward(x: Tensor): Tensor {
    const h = add(x, this.attn.forward(x));
    const y = add(h, this.mlp.forward(h));
    return this.classifier.forward(mean(y, 1));
  }
}

/** Deterministic values without an RNG. */
export function wave(n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + 1 + phase) + 0.1 * Math.cos(3 * i + phase));
}

export function input(shape: readonly number[], phase = 0, opts: { dtype?: 'f32' | 'f64'; backend?: Backend } = {}): Tensor {
  return fromArray(wave(shape.reduce((a, b) => a * b, 1), phase), shape, { dtype: opts.dtype ?? 'f32', backend: opts.backend ?? getBackend() });
}

export function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

export function maxAbsDiff(a: Tensor | readonly number[], b: Tensor | readonly number[]): number {
  const x = Array.isArray(a) ? a : values(a as Tensor);
  const y = Array.isArray(b) ? b : values(b as Tensor);
  if (x.length !== y.length) throw new Error(`length ${x.length} vs ${y.length}`);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
}
