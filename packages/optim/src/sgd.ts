// SGD with momentum, dampening, Nesterov momentum and L2 weight decay, as torch.optim.SGD.
import { type Tensor, add, keep, mul } from '@webpeft/tensor';
import { OptimizerError } from './errors.ts';
import { type BaseHyperparameters, type ParamsInput, definedOnly } from './groups.ts';
import { Optimizer, type ParamState } from './optimizer.ts';

export interface SGDHyperparameters extends BaseHyperparameters {
  /** Momentum factor μ (0 = plain SGD, no state). */
  momentum: number;
  /** Dampening τ of the gradient added to the momentum buffer. */
  dampening: number;
  /** Nesterov momentum (Sutskever et al., 2013), in torch's form; needs μ > 0 and τ = 0. */
  nesterov: boolean;
}

/** `lr` is required, as in torch; the rest default to 0 / false. */
export type SGDOptions = { readonly lr: number } & Partial<Omit<SGDHyperparameters, 'lr'>>;

/**
 * torch.optim.SGD, per parameter:
 *
 *     d ← g + λ·θ                               (L2 weight decay, coupled: it enters the momentum)
 *     b ← d on the first step, else μ·b + (1 − τ)·d
 *     d ← d + μ·b if nesterov, else b
 *     θ ← θ − lr·d
 *
 * State per parameter: `momentum_buffer` (b) when μ ≠ 0; plain SGD keeps none.
 */
export class SGD extends Optimizer<SGDHyperparameters> {
  readonly kind = 'SGD';

  constructor(params: ParamsInput<SGDHyperparameters>, options: SGDOptions) {
    if (options === undefined || typeof options.lr !== 'number') throw new OptimizerError('SGD: options.lr is required (a number ≥ 0), as in torch.optim.SGD');
    super('SGD', params, { lr: options.lr, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...definedOnly(options) });
  }

  protected validate(h: SGDHyperparameters, where: string): void {
    if (!(h.lr >= 0)) throw new OptimizerError(`${where}: invalid learning rate ${h.lr} (expected ≥ 0)`);
    if (!(h.momentum >= 0)) throw new OptimizerError(`${where}: invalid momentum ${h.momentum} (expected ≥ 0)`);
    if (!(h.weightDecay >= 0)) throw new OptimizerError(`${where}: invalid weightDecay ${h.weightDecay} (expected ≥ 0)`);
    if (typeof h.dampening !== 'number' || Number.isNaN(h.dampening)) throw new OptimizerError(`${where}: dampening must be a number, got ${JSON.stringify(h.dampening)}`);
    if (typeof h.nesterov !== 'boolean') throw new OptimizerError(`${where}: nesterov must be a boolean, got ${JSON.stringify(h.nesterov)}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) throw new OptimizerError(`${where}: Nesterov momentum requires momentum > 0 and dampening = 0 (got momentum ${h.momentum}, dampening ${h.dampening})`);
  }

  // the momentum buffer is created on the first update, from that step's gradient
  protected initState(): Record<string, Tensor> {
    return {};
  }

  protected stateKeys(): readonly string[] {
    return [];
  }

  protected override optionalStateKeys(): readonly string[] {
    return ['momentum_buffer'];
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, h: SGDHyperparameters): void {
    const { lr, momentum, dampening, weightDecay } = h;
    // torch: d_p = d_p.add(param, alpha=weight_decay)
    let d = weightDecay !== 0 ? add(grad, mul(param, weightDecay)) : grad;
    if (momentum !== 0) {
      const buf = state.buffers.momentum_buffer;
      let b: Tensor;
      if (buf === undefined) {
        // torch: buf = torch.clone(d_p).detach(), undampened; detach() shares storage, and since
        // updates replace storage (assign) rather than write into it, sharing is a safe copy
        b = d;
        state.buffers.momentum_buffer = keep(d.detach());
      } else {
        b = add(mul(buf, momentum), mul(d, 1 - dampening));
        buf.assign(b);
      }
      d = h.nesterov ? add(d, mul(b, momentum)) : b;
    }
    // torch: param.add_(d_p, alpha=-lr)
    param.assign(add(param, mul(d, -lr)));
  }
}
