// AdamW (Loshchilov & Hutter, 2019, Algorithm 2) with torch.optim.AdamW's exact order of operations.
import { type Tensor, add, div, keep, maximum, mul, sqrt, zerosLike } from '@webpeft/tensor';
import { OptimizerError } from './errors.ts';
import { type BaseHyperparameters, type ParamsInput, definedOnly } from './groups.ts';
import { Optimizer, type ParamState } from './optimizer.ts';

export interface AdamWHyperparameters extends BaseHyperparameters {
  /** Decay rates (β1, β2) of the first and second moment estimates. */
  betas: readonly [number, number];
  /** Added to √v̂ for numerical stability. */
  eps: number;
  /** Keep the running maximum of v and normalise by it (Reddi et al., 2018). */
  amsgrad: boolean;
}

/** Defaults are torch.optim.AdamW's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
export type AdamWOptions = Partial<AdamWHyperparameters>;

export const ADAMW_DEFAULTS: Readonly<AdamWHyperparameters> = Object.freeze({ lr: 1e-3, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0.01, amsgrad: false });

/**
 * AdamW with decoupled weight decay. Per parameter, with t its own update count (as in torch):
 *
 *     θ ← θ·(1 − lr·λ)                          decay first, on the old parameter
 *     m ← β1·m + (1 − β1)·g
 *     v ← β2·v + (1 − β2)·g²                    (amsgrad: v_max ← max(v_max, v), used below)
 *     θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * State per parameter: `exp_avg` (m), `exp_avg_sq` (v) and, with amsgrad, `max_exp_avg_sq`.
 */
export class AdamW extends Optimizer<AdamWHyperparameters> {
  readonly kind = 'AdamW';

  constructor(params: ParamsInput<AdamWHyperparameters>, options: AdamWOptions = {}) {
    super('AdamW', params, { ...ADAMW_DEFAULTS, ...definedOnly(options) });
  }

  protected validate(h: AdamWHyperparameters, where: string): void {
    if (!(h.lr >= 0)) throw new OptimizerError(`${where}: invalid learning rate ${h.lr} (expected ≥ 0)`);
    if (!(h.eps >= 0)) throw new OptimizerError(`${where}: invalid eps ${h.eps} (expected ≥ 0)`);
    if (!(h.weightDecay >= 0)) throw new OptimizerError(`${where}: invalid weightDecay ${h.weightDecay} (expected ≥ 0)`);
    if (!Array.isArray(h.betas) || h.betas.length !== 2) throw new OptimizerError(`${where}: betas must be a pair [β1, β2], got ${JSON.stringify(h.betas)}`);
    h.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new OptimizerError(`${where}: invalid beta parameter at index ${i}: ${b} (expected 0 ≤ β < 1)`);
    });
    if (typeof h.amsgrad !== 'boolean') throw new OptimizerError(`${where}: amsgrad must be a boolean, got ${JSON.stringify(h.amsgrad)}`);
  }

  protected initState(param: Tensor, h: AdamWHyperparameters): Record<string, Tensor> {
    const state: Record<string, Tensor> = { exp_avg: zerosLike(param), exp_avg_sq: zerosLike(param) };
    if (h.amsgrad) state.max_exp_avg_sq = zerosLike(param);
    return state;
  }

  protected stateKeys(): readonly string[] {
    return ['exp_avg', 'exp_avg_sq'];
  }

  // a checkpoint written without amsgrad may be resumed with it: the running max then starts at zero
  protected override optionalStateKeys(): readonly string[] {
    return ['max_exp_avg_sq'];
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, h: AdamWHyperparameters): void {
    const { lr, eps, weightDecay } = h;
    const [beta1, beta2] = h.betas;
    const t = state.step;
    const m = state.buffers.exp_avg!;
    const v = state.buffers.exp_avg_sq!;
    // decoupled weight decay (Alg. 2, line 12), applied to θ before the Adam step, as torch does
    const decayed = weightDecay !== 0 ? mul(param, 1 - lr * weightDecay) : param;
    // torch: exp_avg.mul_(β1).add_(g, alpha=1−β1); exp_avg_sq.mul_(β2).addcmul_(g, g, value=1−β2)
    const mNext = add(mul(m, beta1), mul(grad, 1 - beta1));
    const vNext = add(mul(v, beta2), mul(mul(grad, 1 - beta2), grad));
    m.assign(mNext);
    v.assign(vNext);
    let second = vNext;
    if (h.amsgrad) {
      state.buffers.max_exp_avg_sq ??= keep(zerosLike(param));
      const vMax = state.buffers.max_exp_avg_sq;
      second = maximum(vMax, vNext);
      vMax.assign(second);
    }
    // bias corrections are host numbers: the step count lives on the host, nothing is read back
    const stepSize = lr / (1 - beta1 ** t);
    const denom = add(div(sqrt(second), Math.sqrt(1 - beta2 ** t)), eps);
    // torch: param.addcdiv_(exp_avg, denom, value=−step_size) = θ + (−step_size·m) / denom
    param.assign(add(decayed, div(mul(mNext, -stepSize), denom)));
  }
}
