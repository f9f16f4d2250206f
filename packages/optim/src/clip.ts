// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_, computed on the device.
import { type Tensor, abs, add, cast, div, max, minimum, mul, noGrad, pow, scalar, sqrt, stack, sum, tidy } from '@webpeft/tensor';
import { OptimizerError } from './errors.ts';

/** ‖x‖_p over all elements: p = ∞ is max|x|. */
function pNorm(x: Tensor, p: number): Tensor {
  if (p === Infinity) return max(abs(x));
  if (p === 1) return sum(abs(x));
  if (p === 2) return sqrt(sum(mul(x, x)));
  return pow(sum(pow(abs(x), p)), 1 / p);
}

/**
 * Scale every gradient by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the p-norm of all gradients
 * together (the norm of the per-tensor norms, as torch computes it). Parameters without a gradient
 * are ignored. Returns the total norm before clipping as a scalar tensor (dispose it, or read it with
 * `await norm.data()`); nothing is read back, so it runs on any backend. Gradients are replaced in
 * place (`grad.assign`). Mixed f32/f64 gradients: the norm has the first gradient's dtype.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): Tensor {
  if (!(normType > 0)) throw new OptimizerError(`clipGradNorm: normType must be > 0 or Infinity, got ${normType}`);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new OptimizerError(`clipGradNorm: maxNorm must be a number, got ${String(maxNorm)}`);
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad) grads.push(p.grad);
  // torch returns tensor(0.) when no parameter has a gradient
  if (grads.length === 0) return scalar(0);
  const dtype = grads[0]!.dtype;
  return noGrad(() =>
    tidy(() => {
      const norms = grads.map((g) => cast(pNorm(g, normType), dtype));
      // torch: ∞-norm takes norms[0] when there is one tensor; p-norms always take the norm of the stack
      const total = normType === Infinity && norms.length === 1 ? norms[0]! : pNorm(stack(norms), normType);
      // torch: clip_coef = max_norm / (total_norm + 1e-6), clamped to 1; applied even when it is 1
      const coef = minimum(div(maxNorm, add(total, 1e-6)), 1);
      for (const g of grads) g.assign(mul(g, cast(coef, g.dtype)));
      return total;
    }),
  );
}

/** {@link clipGradNorm}, then the total norm as a number (read with `await`, so WebGPU can run it too). */
export async function clipGradNormAsync(params: Iterable<Tensor>, maxNorm: number, normType = 2): Promise<number> {
  const total = clipGradNorm(params, maxNorm, normType);
  try {
    return (await total.data())[0]!;
  } finally {
    total.dispose();
  }
}
