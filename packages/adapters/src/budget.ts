// Rank budgets (§4 of the paper): how large a one-factor adapter may be to match a LoRA budget, in
// parameters and in the Lemma 4.5 generalisation bound
//   |gen| ≤ √(2·r·q·σ²·ln2 / n · Σ_i (d_in(i) + d_out(i)))  for B·A,
// with only d_out(i) when only B trains and only d_in(i) when only A trains.
import { AdapterConfigError } from './errors.ts';

/** Which factors train: both (LoRA), only B (B̂0A_rand), only A (B_randÂ0). */
export type TrainedFactors = 'BA' | 'B' | 'A';

export interface LayerShape {
  readonly dIn: number;
  readonly dOut: number;
}

function checkLayers(layers: readonly LayerShape[]): void {
  if (!layers.length) throw new AdapterConfigError('budget: needs at least one adapted layer');
  for (const l of layers) if (!(l.dIn > 0 && l.dOut > 0)) throw new AdapterConfigError(`budget: layer dimensions must be positive, got ${JSON.stringify(l)}`);
}

/** Σ_i of the dimensions the trained factors span: d_in + d_out, d_out or d_in. */
export function factorDimensions(layers: readonly LayerShape[], factors: TrainedFactors): number {
  checkLayers(layers);
  return layers.reduce((s, l) => s + (factors === 'BA' ? l.dIn + l.dOut : factors === 'B' ? l.dOut : l.dIn), 0);
}

/** Trainable adapter parameters at rank r: r·Σ(d_in + d_out), r·Σd_out or r·Σd_in. */
export function adapterParameters(layers: readonly LayerShape[], r: number, factors: TrainedFactors): number {
  return r * factorDimensions(layers, factors);
}

export interface BoundOptions {
  /** Bits per parameter (q; 32 for f32). */
  readonly q?: number;
  /** Sub-Gaussian parameter of the loss (σ). */
  readonly sigma?: number;
  /** Training samples (n). */
  readonly n: number;
}

/** Lemma 4.5's bound on the generalisation gap at rank r. */
export function generalizationBound(layers: readonly LayerShape[], r: number, factors: TrainedFactors, opts: BoundOptions): number {
  const q = opts.q ?? 32;
  const sigma = opts.sigma ?? 1;
  if (!(opts.n > 0)) throw new AdapterConfigError(`generalizationBound: n must be positive, got ${opts.n}`);
  return Math.sqrt(((2 * r * q * sigma * sigma * Math.LN2) / opts.n) * factorDimensions(layers, factors));
}

export interface RankBudget {
  /** Largest rank whose trainable parameters do not exceed LoRA's at `loraRank`. */
  readonly byParameters: number;
  /** Largest rank whose Lemma 4.5 bound does not exceed LoRA's at `loraRank`. */
  readonly byBound: number;
  /** The counts they compare: LoRA's and the one-factor adapter's at `byParameters`. */
  readonly loraParameters: number;
  readonly parameters: number;
}

/**
 * The rank a one-factor adapter may use to match LoRA at `loraRank` (the paper's B̂0A_rand r = 16 vs
 * LoRA r = 8 when d_in = d_out). The bound grows as √(r·Σd), so both criteria agree; both are returned.
 */
export function matchRank(layers: readonly LayerShape[], loraRank: number, factors: 'B' | 'A'): RankBudget {
  if (!Number.isInteger(loraRank) || loraRank <= 0) throw new AdapterConfigError(`matchRank: loraRank must be a positive integer, got ${loraRank}`);
  const loraParameters = adapterParameters(layers, loraRank, 'BA');
  const byParameters = Math.floor(loraParameters / factorDimensions(layers, factors));
  const loraBound = generalizationBound(layers, loraRank, 'BA', { n: 1 });
  let byBound = byParameters;
  while (generalizationBound(layers, byBound + 1, factors, { n: 1 }) <= loraBound * (1 + 1e-12)) byBound++;
  while (byBound > 0 && generalizationBound(layers, byBound, factors, { n: 1 }) > loraBound * (1 + 1e-12)) byBound--;
  return { byParameters, byBound, loraParameters, parameters: adapterParameters(layers, byParameters, factors) };
}
