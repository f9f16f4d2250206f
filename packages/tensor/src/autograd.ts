import { GradientError, fmtShape } from './errors.ts';
import { fromArray, keep, noGrad, tidy } from './engine.ts';
import { add } from './ops/elementwise.ts';
import { shapesEqual, sizeOf } from './shape.ts';
import { type BackwardSeed, Tensor, peekNextTensorId, tensorHooks } from './tensor.ts';

/** Tensors reachable from `root` through recorded ops, inputs before outputs. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    const node = t._node;
    if (!node) continue;
    node.inputs.forEach((inp, i) => {
      if (node.needsGrad[i] && !seen.has(inp)) stack.push([inp, false]);
    });
  }
  return order;
}

function seedFor(root: Tensor, seed: BackwardSeed | undefined): Tensor {
  if (seed === undefined) {
    if (root.size !== 1) throw new GradientError(`backward() on ${root.describe()} needs a seed gradient of shape ${fmtShape(root.shape)}: only one-element tensors have an implicit seed of 1`);
    return fromArray([1], root.shape, { dtype: root.dtype, backend: root.backend });
  }
  if (seed instanceof Tensor) {
    if (!shapesEqual(seed.shape, root.shape) || seed.dtype !== root.dtype) throw new GradientError(`backward(): seed ${seed.describe()} does not match ${root.describe()}`);
    if (seed.backend !== root.backend) throw new GradientError(`backward(): seed lives on backend '${seed.backend.name}', the tensor on '${root.backend.name}'`);
    if (seed.backend.readSync) checkFinite(seed.dataSync());
    return seed.detach();
  }
  const values = typeof seed === 'number' ? new Array<number>(root.size).fill(seed) : Array.from(seed);
  if (values.length !== root.size) throw new GradientError(`backward(): seed has ${values.length} values, ${root.describe()} has ${sizeOf(root.shape)}`);
  checkFinite(values);
  return fromArray(values, root.shape, { dtype: root.dtype, backend: root.backend });
}

function checkFinite(values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new GradientError(`backward(): seed gradient holds ${values[i]} at index ${i}; seeds must be finite`);
  }
}

/**
 * Reverse-mode autograd. Gradients of leaves that require grad accumulate into `.grad`;
 * frozen inputs are skipped by every op's gradient (no kernels run for them).
 */
export function backward(root: Tensor, seed?: BackwardSeed): void {
  root.ref();
  if (!root.requiresGrad) throw new GradientError(`backward() on ${root.describe()}, which does not require grad: no input on its path has requiresGrad = true`);
  tidy(() =>
    noGrad(() => {
      const grads = new Map<Tensor, Tensor>();
      grads.set(root, seedFor(root, seed));
      const order = topoOrder(root);
      for (let n = order.length - 1; n >= 0; n--) {
        const t = order[n]!;
        const node = t._node;
        const dy = grads.get(t);
        if (!node || !dy) continue;
        grads.delete(t);
        node.inputs.forEach((inp, i) => {
          if (inp._version !== node.versions[i]) throw new GradientError(`backward(): input ${i} of op '${node.op.name}' (${inp.describe()}) was modified by assign() after it was used; recompute the forward pass`);
        });
        const firstNewId = peekNextTensorId();
        const inputGrads = tidy(() => node.op.grad!(dy, { inputs: node.inputs, output: t, attrs: node.attrs, needsGrad: node.needsGrad }));
        node.inputs.forEach((inp, i) => {
          const g = inputGrads[i];
          if (!node.needsGrad[i] || !g) return;
          if (!shapesEqual(g.shape, inp.shape) || g.dtype !== inp.dtype) {
            throw new GradientError(`internal: gradient of op '${node.op.name}' for input ${i} is ${g.describe()}, expected ${fmtShape(inp.shape)} ${inp.dtype}`);
          }
          const own = g.detach();
          const prev = grads.get(inp);
          if (prev) {
            grads.set(inp, add(prev, own));
            prev.dispose();
            own.dispose();
          } else grads.set(inp, own);
        });
        dy.dispose();
        for (const g of inputGrads) if (g && g.id >= firstNewId) g.dispose();
      }
      for (const [t, g] of grads) {
        if (t._node || !t.requiresGrad) {
          g.dispose();
          continue;
        }
        if (t.grad && !t.grad.isDisposed) {
          const old = t.grad;
          t.grad = keep(add(old, g));
          old.dispose();
          g.dispose();
        } else t.grad = keep(g);
      }
    }),
  );
}

tensorHooks.backward = backward;
