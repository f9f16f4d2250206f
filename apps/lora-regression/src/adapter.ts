// A low-rank adapter on a frozen linear layer: y = x·W0ᵀ + (α/r)·x·Aᵀ·Bᵀ, with A [r × dIn]
// and B [dOut × r]. B-only and A-only are the same adapter with one factor frozen at a
// random orthonormal init (the paper's "rand"), the trained one starting from zero.
import { type Generator, type Tensor, add, keep, matmul, mul, noGrad, orthogonal, qr, rand, sub, tensor, tidy, zeros } from '@webpeft/tensor';
import type { RegressionTask } from './task.ts';

export type Method = 'lora' | 'b-only' | 'a-only';
export const METHODS: readonly Method[] = ['lora', 'b-only', 'a-only'];

export type FactorInit = 'zero' | 'kaiming-uniform' | 'orthogonal';

export interface MethodSpec {
  readonly method: Method;
  readonly label: string;
  readonly aInit: FactorInit;
  readonly bInit: FactorInit;
  readonly trainA: boolean;
  readonly trainB: boolean;
}

export const METHOD_SPECS: Readonly<Record<Method, MethodSpec>> = {
  lora: { method: 'lora', label: 'LoRA (A km, B 0; both trained)', aInit: 'kaiming-uniform', bInit: 'zero', trainA: true, trainB: true },
  'b-only': { method: 'b-only', label: 'B-only (A rand frozen, B 0)', aInit: 'orthogonal', bInit: 'zero', trainA: false, trainB: true },
  'a-only': { method: 'a-only', label: 'A-only (B rand frozen, A 0)', aInit: 'zero', bInit: 'orthogonal', trainA: true, trainB: false },
};

export function isMethod(x: string): x is Method {
  return (METHODS as readonly string[]).includes(x);
}

function initFactor(init: FactorInit, shape: readonly [number, number], fanIn: number, generator: Generator): Tensor {
  switch (init) {
    case 'zero':
      return zeros(shape);
    case 'orthogonal':
      return orthogonal(shape, { generator });
    case 'kaiming-uniform': {
      // torch's kaiming_uniform_(a=√5), as PEFT initialises lora_A: U(−1/√fanIn, 1/√fanIn)
      const bound = 1 / Math.sqrt(fanIn);
      return rand(shape, { generator, low: -bound, high: bound });
    }
  }
}

export class LowRankAdapter {
  readonly spec: MethodSpec;
  readonly rank: number;
  /** α / r (the paper uses α = 2r). */
  readonly scale: number;
  /** lora_A [r × dIn]. */
  a: Tensor;
  /** lora_B [dOut × r]. */
  b: Tensor;

  constructor(spec: MethodSpec, dims: { dIn: number; dOut: number; rank: number; alpha: number }, generator: Generator) {
    this.spec = spec;
    this.rank = dims.rank;
    this.scale = dims.alpha / dims.rank;
    this.a = keep(initFactor(spec.aInit, [dims.rank, dims.dIn], dims.dIn, generator));
    this.b = keep(initFactor(spec.bInit, [dims.dOut, dims.rank], dims.rank, generator));
    this.a.requiresGrad = spec.trainA;
    this.b.requiresGrad = spec.trainB;
  }

  get trainableParams(): number {
    return (this.spec.trainA ? this.a.size : 0) + (this.spec.trainB ? this.b.size : 0);
  }

  /** x [batch × dIn] → x·W0ᵀ + (α/r)·(x·Aᵀ)·Bᵀ; the rank-r path never forms B·A. */
  forward(x: Tensor, w0: Tensor): Tensor {
    const low = matmul(matmul(x, this.a, { transB: true }), this.b, { transB: true });
    return add(matmul(x, w0, { transB: true }), mul(low, this.scale));
  }

  /** The effective weight update ΔŴ = (α/r)·B·A [dOut × dIn]. */
  update(): Tensor {
    return noGrad(() => mul(matmul(this.b, this.a), this.scale));
  }

  /** Plain SGD on the trainable factors: θ ← θ − lr·∇θ, as a new leaf (old one and its grad disposed). */
  sgdStep(lr: number): void {
    if (this.spec.trainA) this.a = step(this.a, lr);
    if (this.spec.trainB) this.b = step(this.b, lr);
  }

  dispose(): void {
    this.a.dispose();
    this.b.dispose();
  }
}

function step(param: Tensor, lr: number): Tensor {
  if (!param.grad) return param;
  const next = noGrad(() => keep(sub(param, mul(param.grad!, lr))));
  param.dispose();
  next.requiresGrad = true;
  return next;
}

/**
 * The lowest expected loss the method can reach with its frozen factor, in closed form
 * (the paper's Section 4 argument): B-only can only act on the inputs' projection onto the
 * row space of A·Pᵀ, A-only can only write into the column space of B. Null when unknown.
 */
export function optimumLoss(adapter: LowRankAdapter, task: RegressionTask): number | null {
  const { dOut, noiseStd, deltaRank } = task.config;
  const floor = noiseStd ** 2;
  const { spec } = adapter;
  if (spec.trainA && spec.trainB) return deltaRank <= adapter.rank ? floor : null;
  return noGrad(() =>
    tidy(() => {
      const basis = task.inputBasis;
      const seen = basis ? matmul(task.delta, basis, { transB: true }) : task.delta; // Δ·Pᵀ [dOut × k]
      let residual: Tensor;
      if (!spec.trainA) {
        // B-only: the best B leaves Δ·Pᵀ·(I − Π), Π the projector onto the rows of G = A·Pᵀ
        const g = basis ? matmul(adapter.a, basis, { transB: true }) : adapter.a; // [r × k]
        const [r, k] = g.shape as [number, number];
        if (k <= r) return floor; // a generic G then spans every input direction
        const gT = g.dataSync();
        const transposed = new Float64Array(k * r);
        for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) transposed[j * r + i] = gT[i * k + j]!;
        const q = tensor(Float32Array.from(qr(transposed, k, r).q), [k, r]); // orthonormal basis of rows(G)
        residual = sub(seen, matmul(matmul(seen, q), q, { transB: true }));
      } else {
        // A-only: the best A leaves (I − B·Bᵀ)·Δ·Pᵀ (B has orthonormal columns)
        const b = adapter.b;
        residual = sub(seen, matmul(b, matmul(b, seen, { transA: true })));
      }
      let total = 0;
      for (const v of residual.dataSync()) total += v * v;
      return (total * task.inputScale ** 2) / dOut + floor;
    }),
  );
}
