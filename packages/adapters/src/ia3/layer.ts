// (IA)³ (Liu et al. 2022): a learned vector l rescales a layer. Keys and values: the output,
// y = l ⊙ (W0·x + b), l [out, 1]; feed-forward layers (fc2 / down): the input, y = W0·(l ⊙ x) + b,
// l [1, in] (peft/tuners/ia3/layer.py, Linear.forward and is_feedforward).
import type { Linear } from '@webpeft/nn';
import { Generator, type Tensor, add, div, fromArray, mul, reshape } from '@webpeft/tensor';
import { factorSeed } from '../_hash.ts';
import { updateInPlace } from '../adapted-linear.ts';
import type { AdapterBranch, BranchContext, BranchEntry } from '../method.ts';
import type { IA3Config } from './config.ts';

export class IA3Branch implements AdapterBranch {
  readonly method: string;
  readonly adapterName: string;
  readonly entries: readonly BranchEntry[];
  readonly isFeedforward: boolean;
  /** ia3_l: [1, in] for feed-forward layers, [out, 1] otherwise (PEFT's shapes). */
  readonly scale: Tensor;

  constructor(ctx: BranchContext<IA3Config>, isFeedforward: boolean) {
    const { config, target } = ctx;
    this.method = config.method;
    this.adapterName = ctx.adapterName;
    this.isFeedforward = isFeedforward;
    const shape: [number, number] = isFeedforward ? [1, target.inFeatures] : [target.outFeatures, 1];
    // PEFT: randn, then ones when init_ia3_weights (the default)
    const values = config.initIa3Weights ? new Float64Array(shape[0] * shape[1]).fill(1) : new Generator(factorSeed(config.seed, target.path, 'ia3_l')).normal(shape[0] * shape[1]);
    this.scale = fromArray(values, shape, { dtype: ctx.dtype, backend: ctx.backend });
    this.entries = [{ container: 'ia3_l', key: null, tensor: this.scale, trainable: true }];
  }

  forward(x: Tensor, base: Linear): Tensor {
    if (this.isFeedforward) return base.forward(mul(x, reshape(this.scale, [base.inFeatures])));
    return mul(base.forward(x), reshape(this.scale, [base.outFeatures]));
  }

  merge(base: Linear): void {
    // W ⊙ l broadcasts l [out, 1] over rows or [1, in] over columns; the bias scales with the output only
    updateInPlace(base.weight, (w) => mul(w, this.scale));
    if (!this.isFeedforward && base.bias) updateInPlace(base.bias, (b) => mul(b, reshape(this.scale, [base.outFeatures])));
  }

  unmerge(base: Linear): void {
    // PEFT divides by l + 1e-8 ("unmerge result can be inaccurate for (IA)^3")
    updateInPlace(base.weight, (w) => div(w, add(this.scale, 1e-8)));
    if (!this.isFeedforward && base.bias) updateInPlace(base.bias, (b) => div(b, add(reshape(this.scale, [base.outFeatures]), 1e-8)));
  }
}
