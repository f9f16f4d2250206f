// Benchmark cases, their host data and float64 references. Every stack gets the same Float32Array
// operands; results are checked on sampled entries against a float64 reference.
import { Generator } from '@webpeft/tensor';

export type MatmulKind = 'square' | 'down' | 'gradA';

/** One matmul C[m×n] = op(A)·op(B), with operands stored as the shapes say. */
export interface MatmulCase {
  readonly id: string;
  readonly kind: MatmulKind;
  /** Human label, e.g. "x·Aᵀ [512×768]·[8×768]ᵀ". */
  readonly label: string;
  readonly N: number;
  readonly d: number;
  readonly r: number | null;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly aShape: readonly [number, number];
  readonly bShape: readonly [number, number];
  readonly flops: number;
  /** LoRA shapes are the ones the issue's matmul target is about. */
  readonly lora: boolean;
}

export function matmulCase(kind: MatmulKind, N: number, d: number, r: number | null): MatmulCase {
  const rr = r ?? 0;
  let c: Omit<MatmulCase, 'id' | 'flops' | 'kind' | 'N' | 'd' | 'r' | 'lora'>;
  if (kind === 'square') {
    // [N×d]·[d×d] (base layer, W stored [in×out])
    c = { label: `x·W [${N}×${d}]·[${d}×${d}]`, m: N, n: d, k: d, transA: false, transB: false, aShape: [N, d], bShape: [d, d] };
  } else if (kind === 'down') {
    // LoRA down-projection x·Aᵀ: A stored [r×d] → transB
    c = { label: `x·Aᵀ [${N}×${d}]·[${rr}×${d}]ᵀ`, m: N, n: rr, k: d, transA: false, transB: true, aShape: [N, d], bShape: [rr, d] };
  } else {
    // ∂A-style reduction over tokens: Gᵀ·x = [r×N]·[N×d], G stored [N×r] → transA
    c = { label: `Gᵀ·x [${rr}×${N}]·[${N}×${d}] (G [${N}×${rr}]ᵀ)`, m: rr, n: d, k: N, transA: true, transB: false, aShape: [N, rr], bShape: [N, d] };
  }
  return { ...c, id: `${kind}-N${N}-d${d}${r === null ? '' : `-r${r}`}`, kind, N, d, r, flops: 2 * c.m * c.n * c.k, lora: kind !== 'square' };
}

export function matmulCases(full: boolean): MatmulCase[] {
  const out: MatmulCase[] = [];
  for (const N of full ? [512, 4096] : [512]) {
    for (const d of [768, 1024]) {
      out.push(matmulCase('square', N, d, null));
      for (const r of [8, 16, 64]) out.push(matmulCase('down', N, d, r));
      for (const r of [8, 16, 64]) out.push(matmulCase('gradA', N, d, r));
    }
  }
  return out;
}

export function uniformF32(g: Generator, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from(g.uniform(n, lo, hi));
}

export function normalF32(g: Generator, n: number, std: number): Float32Array {
  return Float32Array.from(g.normal(n, 0, std));
}

export interface MatmulData {
  readonly a: Float32Array;
  readonly b: Float32Array;
  /** Flat indices into C (row-major [m×n]) that every stack reads back and that are verified. */
  readonly idx: Int32Array;
  readonly ref: Float64Array;
  /** Σ_k |a·b| per sampled entry: the scale of fp32 rounding error. */
  readonly absRef: Float64Array;
}

export const SAMPLES = 32;

export function matmulData(c: MatmulCase, seed: number): MatmulData {
  const g = new Generator(seed);
  const a = uniformF32(g, c.aShape[0] * c.aShape[1]);
  const b = uniformF32(g, c.bShape[0] * c.bShape[1]);
  const total = c.m * c.n;
  const picks = new Set<number>([0, total - 1, c.n - 1, (c.m - 1) * c.n]);
  const u = g.uniform(4 * SAMPLES);
  for (let i = 0; picks.size < Math.min(SAMPLES, total) && i < u.length; i++) picks.add(Math.floor(u[i]! * total));
  const idx = Int32Array.from([...picks].sort((x, y) => x - y));
  const ref = new Float64Array(idx.length);
  const absRef = new Float64Array(idx.length);
  const A = (i: number, k: number) => (c.transA ? a[k * c.m + i]! : a[i * c.k + k]!);
  const B = (k: number, j: number) => (c.transB ? b[j * c.k + k]! : b[k * c.n + j]!);
  idx.forEach((f, s) => {
    const i = Math.floor(f / c.n);
    const j = f % c.n;
    let acc = 0;
    let abs = 0;
    for (let k = 0; k < c.k; k++) {
      const p = A(i, k) * B(k, j);
      acc += p;
      abs += Math.abs(p);
    }
    ref[s] = acc;
    absRef[s] = abs;
  });
  return { a, b, idx, ref, absRef };
}

/** Throws unless every sampled entry is within fp32 accumulation error of the float64 reference. */
export function verifySamples(what: string, got: ArrayLike<number>, data: MatmulData): void {
  if (got.length !== data.idx.length) throw new Error(`${what}: read back ${got.length} samples, expected ${data.idx.length}`);
  for (let s = 0; s < got.length; s++) {
    const err = Math.abs(got[s]! - data.ref[s]!);
    const tol = 1e-4 * data.absRef[s]! + 1e-6;
    if (!(err <= tol)) throw new Error(`${what}: WRONG RESULT at flat index ${data.idx[s]}: got ${got[s]}, float64 reference ${data.ref[s]} (|err| ${err.toExponential(2)} > tol ${tol.toExponential(2)})`);
  }
}

// ---- LoRA layer train step ----

export interface TrainConfig {
  readonly N: number;
  readonly d: number;
  readonly r: number;
  readonly alpha: number;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

export const TRAIN: TrainConfig = { N: 512, d: 768, r: 8, alpha: 16, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

/** Initial state, identical for every stack. W0 is [d×d] stored [out×in] (y = x·W0ᵀ), A [r×d], B [d×r]. */
export interface TrainData {
  readonly x: Float32Array;
  readonly t: Float32Array;
  readonly w0: Float32Array;
  readonly a: Float32Array;
  /** Non-zero (std 0.01) so that A gets a real gradient on the first step; compute is the same as B = 0. */
  readonly b: Float32Array;
}

export function trainData(cfg: TrainConfig, seed: number): TrainData {
  const g = new Generator(seed);
  const { N, d, r } = cfg;
  return {
    x: uniformF32(g, N * d),
    t: uniformF32(g, N * d),
    w0: normalF32(g, d * d, 1 / Math.sqrt(d)),
    a: normalF32(g, r * d, 1 / Math.sqrt(d)),
    b: normalF32(g, d * r, 0.01),
  };
}

/** Float64 reference of the first step: the loss before the update, A and B after it. */
export interface TrainRef {
  readonly loss: number;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly gA: Float64Array;
  readonly gB: Float64Array;
}

export function trainReference(cfg: TrainConfig, data: TrainData): TrainRef {
  const { N, d, r } = cfg;
  const s = cfg.alpha / cfg.r;
  const { x, t, w0, a, b } = data;
  const h = new Float64Array(N * r); // x·Aᵀ
  for (let i = 0; i < N; i++) {
    for (let q = 0; q < r; q++) {
      let acc = 0;
      for (let k = 0; k < d; k++) acc += x[i * d + k]! * a[q * d + k]!;
      h[i * r + q] = acc;
    }
  }
  const dy = new Float64Array(N * d);
  let loss = 0;
  const row = new Float64Array(d);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < d; j++) {
      let acc = 0;
      const wo = j * d;
      const xo = i * d;
      for (let k = 0; k < d; k++) acc += x[xo + k]! * w0[wo + k]!;
      let lora = 0;
      for (let q = 0; q < r; q++) lora += h[i * r + q]! * b[j * r + q]!;
      row[j] = acc + s * lora;
    }
    for (let j = 0; j < d; j++) {
      const e = row[j]! - t[i * d + j]!;
      loss += e * e;
      dy[i * d + j] = (2 * e) / (N * d);
    }
  }
  loss /= N * d;
  // ∂B = s·dYᵀ·h  [d×r];  ∂h = s·dY·B [N×r];  ∂A = ∂hᵀ·x [r×d]
  const gB = new Float64Array(d * r);
  const dh = new Float64Array(N * r);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < d; j++) {
      const g = dy[i * d + j]!;
      for (let q = 0; q < r; q++) {
        gB[j * r + q] = gB[j * r + q]! + s * g * h[i * r + q]!;
        dh[i * r + q] = dh[i * r + q]! + s * g * b[j * r + q]!;
      }
    }
  }
  const gA = new Float64Array(r * d);
  for (let i = 0; i < N; i++) for (let q = 0; q < r; q++) for (let k = 0; k < d; k++) gA[q * d + k] = gA[q * d + k]! + dh[i * r + q]! * x[i * d + k]!;
  const step = (p: Float32Array, g: Float64Array) => Float64Array.from(p, (pv, i) => pv - adamwDelta(cfg, g[i]!, pv, 1));
  return { loss, a: step(a, gA), b: step(b, gB), gA, gB };
}

/** lr·(m̂/(√v̂+ε) + λ·p) on step `t` from zero moments (the first step). */
function adamwDelta(cfg: TrainConfig, g: number, p: number, t: number): number {
  const m = (1 - cfg.beta1) * g;
  const v = (1 - cfg.beta2) * g * g;
  const mh = m / (1 - cfg.beta1 ** t);
  const vh = v / (1 - cfg.beta2 ** t);
  return cfg.lr * (mh / (Math.sqrt(vh) + cfg.eps) + cfg.weightDecay * p);
}

/** Checks the first step of a stack against the float64 reference. */
export function verifyTrainStep(what: string, cfg: TrainConfig, ref: TrainRef, bOnly: boolean, got: { loss: number; a: ArrayLike<number>; b: ArrayLike<number> }, a0: Float32Array): void {
  const lossErr = Math.abs(got.loss - ref.loss) / Math.abs(ref.loss);
  if (!(lossErr <= 1e-4)) throw new Error(`${what}: WRONG LOSS ${got.loss}, float64 reference ${ref.loss}`);
  const check = (name: string, p: ArrayLike<number>, want: ArrayLike<number>, g: Float64Array | null) => {
    let rms = 0;
    if (g) for (const v of g) rms += v * v;
    rms = Math.sqrt(rms / Math.max(1, g?.length ?? 1));
    for (let i = 0; i < want.length; i++) {
      // Adam's first step is ≈ lr·sign(g): skip entries whose gradient is within fp32 noise of 0
      if (g && Math.abs(g[i]!) < 1e-3 * rms) continue;
      const err = Math.abs(p[i]! - want[i]!);
      if (!(err <= 0.02 * cfg.lr + 1e-6)) throw new Error(`${what}: WRONG ${name} after one step at ${i}: got ${p[i]}, float64 reference ${want[i]}`);
    }
  };
  check('B', got.b, ref.b, ref.gB);
  if (bOnly) check('A (frozen)', got.a, a0, null);
  else check('A', got.a, ref.a, ref.gA);
}
