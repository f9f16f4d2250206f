// One LoRA layer training step, nn.Linear layout (W0 [d×d] stored [out×in], A [r×d], B [d×r]):
// y = x·W0ᵀ + s·(x·Aᵀ)·Bᵀ, loss = mean((y − t)²), gradients for A and B, an SGD update.
import { Generator, type Tensor, add, fromArray, keep, matmul, mean, mul, noGrad, square, sub, tidy } from '@webpeft/tensor';
import type { WasmBackend } from '@webpeft/backend-wasm';

export interface TrainShape {
  readonly n: number;
  readonly d: number;
  readonly r: number;
}

const SCALE = 2;
const LR = 1e-3;

export function webpeftTrainStep(backend: WasmBackend, { n, d, r }: TrainShape): { step: () => void; dispose: () => void } {
  const g = new Generator(7);
  const t = (shape: number[], std = 1) => keep(fromArray(g.normal(shape[0]! * shape[1]!, 0, std), shape, { backend }));
  const [x, w0, A, B, y] = [t([n, d]), t([d, d], 0.03), t([r, d], 0.03), t([d, r], 0.03), t([n, d])];
  A.requiresGrad = true;
  B.requiresGrad = true;
  const step = () =>
    tidy(() => {
      const pred = add(matmul(x, w0, { transB: true }), mul(matmul(matmul(x, A, { transB: true }), B, { transB: true }), SCALE));
      const loss = mean(square(sub(pred, y)));
      loss.backward();
      noGrad(() => {
        for (const p of [A, B] as Tensor[]) {
          p.assign(sub(p, mul(p.grad!, LR)));
          p.grad!.dispose();
          p.grad = null;
        }
      });
      loss.dataSync();
    });
  return { step, dispose: () => [x, w0, A, B, y].forEach((v) => v.dispose()) };
}

type Tf = typeof import('@tensorflow/tfjs-core');

/**
 * tfjs: 'linear' is the nn.Linear layout above; 'plain' stores W0 [in×out], A [d×r], B [r×d] so
 * no product has a transposed operand (tfjs-wasm's best case).
 */
export function tfjsTrainStep(tf: Tf, { n, d, r }: TrainShape, layout: 'linear' | 'plain'): { step: () => void; dispose: () => void } {
  const g = new Generator(7);
  const t = (shape: [number, number], std = 1) => tf.tensor2d(Float32Array.from(g.normal(shape[0] * shape[1], 0, std)), shape);
  const plain = layout === 'plain';
  const x = t([n, d]);
  const w0 = t([d, d], 0.03);
  const y = t([n, d]);
  const A = tf.variable(t(plain ? [d, r] : [r, d], 0.03));
  const B = tf.variable(t(plain ? [r, d] : [d, r], 0.03));
  const tr = !plain;
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const pred = tf.add(tf.matMul(x, w0, false, tr), tf.mul(tf.matMul(tf.matMul(x, A, false, tr), B, false, tr), SCALE));
        return tf.mean(tf.square(tf.sub(pred, y))) as import('@tensorflow/tfjs-core').Scalar;
      }, [A, B]);
      A.assign(tf.sub(A, tf.mul(grads[A.name]!, LR)));
      B.assign(tf.sub(B, tf.mul(grads[B.name]!, LR)));
      value.dataSync();
    });
  return { step, dispose: () => [x, w0, y, A, B].forEach((v) => v.dispose()) };
}
