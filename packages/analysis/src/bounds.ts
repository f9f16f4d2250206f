// §4.2: parameter counts and Lemma 4.5's information-theoretic generalization bound for
// adapting both factors (LoRA, 'BA'), only B ('B': A frozen) or only A ('A': B frozen).
import { AnalysisError } from './errors.ts';

/** Which factors are trained: both ('BA', LoRA), only B (A frozen, "B-only"), only A (B frozen, "A-only"). */
export type Tuned = 'BA' | 'B' | 'A';

/** An adapted weight's shape as [d_in, d_out] (W is d_out×d_in; A is r×d_in, B is d_out×r). */
export type LayerShape = readonly [dIn: number, dOut: number];

const TUNED: readonly Tuned[] = ['BA', 'B', 'A'];

function checkTuned(tuned: unknown, where: string): Tuned {
  if (!TUNED.includes(tuned as Tuned)) throw new AnalysisError(`${where}: tuned must be 'BA', 'B' or 'A', got ${JSON.stringify(tuned)}`);
  return tuned as Tuned;
}

function checkLayers(layers: readonly LayerShape[], where: string): void {
  if (!Array.isArray(layers) || layers.length === 0) throw new AnalysisError(`${where}: layers must be a non-empty list of [dIn, dOut]`);
  layers.forEach((l, i) => {
    if (!Array.isArray(l) || l.length !== 2 || !l.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new AnalysisError(`${where}: layers[${i}] must be [dIn, dOut] with positive integers, got ${JSON.stringify(l)}`);
    }
  });
}

function checkPositive(name: string, v: unknown, where: string, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new AnalysisError(`${where}: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(v)}`);
  }
}

/** The dimensions a factor choice pays for in one layer: d_in + d_out (BA), d_out (B), d_in (A). */
export function tunedDims([dIn, dOut]: LayerShape, tuned: Tuned): number {
  return tuned === 'BA' ? dIn + dOut : tuned === 'B' ? dOut : dIn;
}

/** Trainable parameters of a rank-r adapter on one layer: r·(d_in + d_out) for LoRA, r·d_out for B-only, r·d_in for A-only. */
export function adapterParameters(shape: LayerShape, r: number, tuned: Tuned): number {
  checkLayers([shape], 'adapterParameters');
  checkPositive('r', r, 'adapterParameters', true);
  return r * tunedDims(shape, checkTuned(tuned, 'adapterParameters'));
}

/** Per-layer and total trainable parameters of a rank-r adapter over a target set. */
export function parameterCount(o: { readonly r: number; readonly layers: readonly LayerShape[]; readonly tuned: Tuned }): { perLayer: number[]; total: number } {
  checkLayers(o.layers, 'parameterCount');
  checkPositive('r', o.r, 'parameterCount', true);
  const tuned = checkTuned(o.tuned, 'parameterCount');
  const perLayer = o.layers.map((l) => o.r * tunedDims(l, tuned));
  return { perLayer, total: perLayer.reduce((a, b) => a + b, 0) };
}

/** Parameters of fully fine-tuning the same layers: d_in·d_out each (+ d_out with `bias`). */
export function fullParameterCount(layers: readonly LayerShape[], options: { readonly bias?: boolean } = {}): number {
  checkLayers(layers, 'fullParameterCount');
  return layers.reduce((s, [dIn, dOut]) => s + dIn * dOut + (options.bias ? dOut : 0), 0);
}

/** One adapter configuration for `parameterTable`. */
export interface MethodSpec {
  readonly label: string;
  readonly r: number;
  readonly tuned: Tuned;
}

/** One row of `parameterTable`. */
export interface ParameterRow {
  readonly method: string;
  readonly target: string;
  readonly r: number;
  readonly tuned: Tuned;
  readonly perLayer: number[];
  readonly total: number;
  /** total / modelParameters, when that is given. */
  readonly fraction?: number;
}

/**
 * Trainable parameters for every method × target set, e.g. methods LoRA r=8, B-only r=8 and 16,
 * A-only r=8 over targets { 'q,v': [...], 'q,k,v': [...] }. Pass `modelParameters` for the
 * fraction of the model that is trained (the tables' "% params").
 */
export function parameterTable(o: { readonly methods: readonly MethodSpec[]; readonly targets: Readonly<Record<string, readonly LayerShape[]>>; readonly modelParameters?: number }): ParameterRow[] {
  if (o.modelParameters !== undefined) checkPositive('modelParameters', o.modelParameters, 'parameterTable');
  const rows: ParameterRow[] = [];
  for (const [target, layers] of Object.entries(o.targets)) {
    for (const m of o.methods) {
      const { perLayer, total } = parameterCount({ r: m.r, layers, tuned: m.tuned });
      const base = { method: m.label, target, r: m.r, tuned: m.tuned, perLayer, total };
      rows.push(o.modelParameters === undefined ? base : { ...base, fraction: total / o.modelParameters });
    }
  }
  return rows;
}

/** Arguments of Lemma 4.5's bound. */
export interface BoundOptions {
  /** Adapter rank (the same on every layer). */
  readonly r: number;
  /** Bits per trained parameter (e.g. 16 or 32: the parameters are stored in q bits). */
  readonly q: number;
  /** The loss is σ-sub-Gaussian. */
  readonly sigma: number;
  /** Number of training samples. */
  readonly n: number;
  /** The adapted layers as [d_in, d_out]. */
  readonly layers: readonly LayerShape[];
  readonly tuned: Tuned;
}

/**
 * Lemma 4.5: |gen(μ, 𝒜)| ≤ sqrt( 2·r·q·σ²·ln 2 / n · Σ_i D_i ) with D_i = d_in(i) + d_out(i) for
 * 'BA', d_out(i) for 'B', d_in(i) for 'A'. (Xu & Raginsky's bound with I(ΔW; S_n) ≤ H ≤ q bits
 * times the number of trained parameters, r·Σ D_i.)
 */
export function generalizationBound(o: BoundOptions): number {
  checkPositive('r', o.r, 'generalizationBound', true);
  checkPositive('q', o.q, 'generalizationBound');
  checkPositive('sigma', o.sigma, 'generalizationBound');
  checkPositive('n', o.n, 'generalizationBound', true);
  checkLayers(o.layers, 'generalizationBound');
  const tuned = checkTuned(o.tuned, 'generalizationBound');
  const dims = o.layers.reduce((s, l) => s + tunedDims(l, tuned), 0);
  return Math.sqrt(((2 * o.r * o.q * o.sigma * o.sigma * Math.LN2) / o.n) * dims);
}

/** Arguments of the equal-budget rank helpers: the reference adapter (`from`, rank r) and the factor choice to size (`to`). */
export interface EqualRankOptions {
  readonly r: number;
  readonly layers: readonly LayerShape[];
  readonly from?: Tuned;
  readonly to: Tuned;
}

/**
 * The largest rank `to` may use with no more trainable parameters than `from` (default 'BA') at
 * rank r: ⌊r·Σ D_from / Σ D_to⌋. B-only on square layers gets 2r (the paper's B̂0A_rand r=16 vs LoRA r=8).
 */
export function equalParameterRank(o: EqualRankOptions): number {
  const from = o.from ?? 'BA';
  const budget = parameterCount({ r: o.r, layers: o.layers, tuned: from }).total;
  const perRank = parameterCount({ r: 1, layers: o.layers, tuned: checkTuned(o.to, 'equalParameterRank') }).total;
  return Math.floor(budget / perRank);
}

/**
 * The largest rank `to` may use with a Lemma 4.5 bound no larger than `from`'s (default 'BA') at
 * rank r (q, σ and n are shared, so they cancel). The bound squared is proportional to
 * r·Σ D_i, the parameter count, so this always equals `equalParameterRank`.
 */
export function equalBoundRank(o: EqualRankOptions): number {
  const common = { q: 1, sigma: 1, n: 1, layers: o.layers };
  const target = generalizationBound({ ...common, r: o.r, tuned: o.from ?? 'BA' }) ** 2;
  const perRank = generalizationBound({ ...common, r: 1, tuned: checkTuned(o.to, 'equalBoundRank') }) ** 2;
  return Math.floor((target / perRank) * (1 + 1e-12));
}
