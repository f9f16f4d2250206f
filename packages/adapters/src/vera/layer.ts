// VeRA (Kopiczko et al. 2024): one pair of frozen random projections shared by every adapted layer,
// sized for the largest one and sliced per layer; each layer trains two vectors only:
// y = W0·x + b + λ_b ⊙ (B_s · (λ_d ⊙ (A_s · dropout(x)))), A_s = A[:r, :in], B_s = B[:out, :r]
// (peft/tuners/vera/layer.py, Linear.forward).
import type { Linear } from '@webpeft/nn';
import { Generator, type Tensor, add, dropout, fromArray, matmul, mul, reshape, slice, sub } from '@webpeft/tensor';
import { factorSeed } from '../_hash.ts';
import { updateInPlace } from '../adapted-linear.ts';
import type { AdapterBranch, BranchContext, BranchEntry } from '../method.ts';
import type { VeraConfig } from './config.ts';

export class VeraBranch implements AdapterBranch {
  readonly method: string;
  readonly adapterName: string;
  readonly entries: readonly BranchEntry[];
  /** λ_b [out], zeros (PEFT: reset_vera_parameters). */
  readonly lambdaB: Tensor;
  /** λ_d [r], filled with d_initial. */
  readonly lambdaD: Tensor;
  readonly #veraA: Tensor;
  readonly #veraB: Tensor;
  readonly #r: number;
  readonly #dropoutP: number;
  readonly #generator: Generator;

  constructor(ctx: BranchContext<VeraConfig>) {
    const { config, target } = ctx;
    this.method = config.method;
    this.adapterName = ctx.adapterName;
    this.#r = config.r;
    this.#dropoutP = config.dropout;
    this.#generator = new Generator(factorSeed(config.seed, target.path, 'vera_dropout'));
    this.#veraA = ctx.shared!.tensors.get('vera_A')!.tensor;
    this.#veraB = ctx.shared!.tensors.get('vera_B')!.tensor;
    const opts = { dtype: ctx.dtype, backend: ctx.backend };
    this.lambdaB = fromArray(new Float64Array(target.outFeatures), [target.outFeatures], opts);
    this.lambdaD = fromArray(new Float64Array(config.r).fill(config.dInitial), [config.r], opts);
    this.entries = [
      { container: 'vera_lambda_b', key: null, tensor: this.lambdaB, trainable: true },
      { container: 'vera_lambda_d', key: null, tensor: this.lambdaD, trainable: true },
    ];
  }

  /** The slices of the shared projections this layer uses (taken per call: loading may replace the projections). */
  #slices(base: Linear): [Tensor, Tensor] {
    return [slice(this.#veraA, [0, 0], [this.#r, base.inFeatures]), slice(this.#veraB, [0, 0], [base.outFeatures, this.#r])];
  }

  forward(x: Tensor, base: Linear, training: boolean): Tensor {
    const y = base.forward(x);
    const [a, b] = this.#slices(base);
    let h = reshape(x, [-1, base.inFeatures]);
    if (training && this.#dropoutP > 0) h = dropout(h, this.#dropoutP, { generator: this.#generator });
    const z = mul(matmul(mul(matmul(h, a, { transB: true }), this.lambdaD), b, { transB: true }), this.lambdaB);
    return add(y, reshape(z, [...x.shape.slice(0, -1), base.outFeatures]));
  }

  /** ΔW = (λ_b ⊙ B_s)·(λ_d ⊙ A_s) (PEFT: get_delta_weight). */
  deltaWeight(base: Linear): Tensor {
    const [a, b] = this.#slices(base);
    return matmul(mul(b, reshape(this.lambdaB, [base.outFeatures, 1])), mul(a, reshape(this.lambdaD, [this.#r, 1])));
  }

  merge(base: Linear): void {
    updateInPlace(base.weight, (w) => add(w, this.deltaWeight(base)));
  }

  unmerge(base: Linear): void {
    updateInPlace(base.weight, (w) => sub(w, this.deltaWeight(base)));
  }
}

/** PEFT's `_kaiming_init` for the projections: U(±√3·√2/√fan_in) — gain √2, fan_in = columns. */
export function veraProjection(generator: Generator, rows: number, cols: number): Float64Array {
  const bound = Math.sqrt(3) * (Math.sqrt(2) / Math.sqrt(cols));
  return generator.uniform(rows * cols, -bound, bound);
}

