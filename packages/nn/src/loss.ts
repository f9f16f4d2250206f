// Losses with PyTorch semantics, built from tensor ops only (no readback), so they run on any backend.
import { ArgumentError, DTypeError, ShapeError, type Tensor, add, arange, cast, div, fmtShape, gather, logSoftmax, mean, mul, neg, notEqual, reshape, shapesEqual, square, sub, sum, where } from '@webpeft/tensor';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  /** Targets equal to this contribute nothing and are left out of the mean (default -100). */
  readonly ignoreIndex?: number;
  /** ε of label smoothing: the target becomes (1 − ε)·one-hot + ε/C (default 0). */
  readonly labelSmoothing?: number;
  /** Default 'mean' (over non-ignored targets). */
  readonly reduction?: Reduction;
}

function reduce(loss: Tensor, reduction: Reduction, what: string): Tensor {
  switch (reduction) {
    case 'none':
      return loss;
    case 'sum':
      return sum(loss);
    case 'mean':
      return mean(loss);
    default:
      throw new ArgumentError(`${what}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

/**
 * `torch.nn.functional.cross_entropy` with classes on the last axis: logits [..., C] and
 * i32 class targets [...] (or float class probabilities [..., C]). With label smoothing ε,
 * loss = (1 − ε)·nll + ε·mean_c(−log p_c); 'mean' divides by the number of non-ignored
 * targets (NaN when there are none, as in PyTorch). Ignored targets give 0 under 'none'.
 * Class ids outside [0, C) are an error on backends that check gather indices (CPU).
 */
export function crossEntropy(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  const reduction = opts.reduction ?? 'mean';
  if (logits.dtype !== 'f32' && logits.dtype !== 'f64') throw new DTypeError(`crossEntropy: logits must be f32 or f64, got ${logits.dtype}`);
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  if (logits.rank < 1) throw new ShapeError('crossEntropy: logits need a class axis');
  const c = logits.shape[logits.rank - 1]!;
  const logp = logSoftmax(logits, -1);
  if (targets.dtype !== 'i32') return softCrossEntropy(logp, targets, eps, reduction);
  if (!shapesEqual(targets.shape, logits.shape.slice(0, -1))) {
    throw new ShapeError(`crossEntropy: targets ${fmtShape(targets.shape)} must have the shape of logits ${fmtShape(logits.shape)} without the class axis`);
  }
  const n = targets.size;
  const flatT = reshape(targets, [n]);
  const valid = notEqual(flatT, ignoreIndex);
  const weight = cast(valid, logits.dtype);
  // log p[i, t_i] read from the flat log-probabilities at i·C + t_i (ignored rows read class 0, then weigh 0)
  const at = add(where(valid, flatT, 0), arange(0, n * c, c, { backend: logits.backend }));
  const picked = gather(reshape(logp, [n * c]), at, 0);
  let loss = neg(mul(picked, weight));
  if (eps > 0) {
    const smooth = neg(mul(sum(reshape(logp, [n, c]), -1), weight));
    loss = add(mul(loss, 1 - eps), mul(smooth, eps / c));
  }
  if (reduction === 'mean') return div(sum(loss), sum(weight));
  return reduce(reduction === 'none' ? reshape(loss, targets.shape) : loss, reduction, 'crossEntropy');
}

/** Cross-entropy against class probabilities (PyTorch's float-target form; no ignore index). */
function softCrossEntropy(logp: Tensor, probs: Tensor, eps: number, reduction: Reduction): Tensor {
  if (probs.dtype !== logp.dtype) throw new DTypeError(`crossEntropy: probability targets are ${probs.dtype}, logits ${logp.dtype}; pass i32 class ids or ${logp.dtype} probabilities`);
  if (!shapesEqual(probs.shape, logp.shape)) throw new ShapeError(`crossEntropy: probability targets ${fmtShape(probs.shape)} must have the shape of logits ${fmtShape(logp.shape)}`);
  const c = logp.shape[logp.rank - 1]!;
  const target = eps > 0 ? add(mul(probs, 1 - eps), eps / c) : probs;
  return reduce(neg(sum(mul(logp, target), -1)), reduction, 'crossEntropy');
}

export interface MSELossOptions {
  /** Default 'mean' (over all elements). */
  readonly reduction?: Reduction;
}

/** `torch.nn.functional.mse_loss`: (pred − target)², reduced. Shapes must match (no broadcasting). */
export function mseLoss(pred: Tensor, target: Tensor, opts: MSELossOptions = {}): Tensor {
  if (!shapesEqual(pred.shape, target.shape)) throw new ShapeError(`mseLoss: prediction ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} differ in shape`);
  return reduce(square(sub(pred, target)), opts.reduction ?? 'mean', 'mseLoss');
}
