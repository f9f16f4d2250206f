// nn.Linear: weight stored [out, in] as in PyTorch checkpoints; y = x·Wᵀ + b via a transposed
// matmul operand, so no transpose is ever materialised.
import { ArgumentError, type Tensor, add, fmtShape, matmul, reshape } from '@webpeft/tensor';
import { type ModuleOptions, kaimingUniform, uniformInit } from './init.ts';
import { Module } from './module.ts';

/** A module mapping one tensor to one tensor: what adapters may wrap or replace (Linear, LoRA layers). */
export interface UnaryModule extends Module {
  forward(x: Tensor): Tensor;
}

export interface LinearOptions extends ModuleOptions {
  /** Add a learned bias (default true). */
  readonly bias?: boolean;
}

/** y = x·Wᵀ + b over the last axis; W is [outFeatures, inFeatures]. */
export class Linear extends Module implements UnaryModule {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [what, n] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`Linear: ${what} must be a positive integer, got ${n}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    // torch.nn.Linear.reset_parameters: kaiming_uniform_(a=√5), then bias ~ U(±1/√fan_in)
    this.weight = this.registerParameter('weight', kaimingUniform([outFeatures, inFeatures], opts));
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias = opts.bias === false ? null : this.registerParameter('bias', uniformInit([outFeatures], -bound, bound, opts));
  }

  forward(x: Tensor): Tensor {
    const inDim = x.shape[x.rank - 1];
    if (inDim !== this.inFeatures) throw new ArgumentError(`Linear(${this.inFeatures} → ${this.outFeatures}): input ${fmtShape(x.shape)} must end in ${this.inFeatures}`);
    const lead = x.shape.slice(0, -1);
    // fold the leading axes into rows: dW = dYᵀ·X is then one matmul, not a batch summed afterwards
    const rows = reshape(x, [-1, this.inFeatures]);
    let y = matmul(rows, this.weight, { transB: true });
    if (this.bias) y = add(y, this.bias);
    return reshape(y, [...lead, this.outFeatures]);
  }
}
