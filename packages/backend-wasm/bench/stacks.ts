// The stacks under test, each as "prepare a matmul → a synchronous/async rep": webpeft-wasm
// (1 thread, all cores), tfjs-wasm (XNNPACK, SIMD; threaded when bench/tfjs-threads.ts could
// enable it) and onnxruntime-node (its own thread pool, spinning off, per the peer notes).
import { type Tensor, fromArray, matmul, tidy } from '@webpeft/tensor';
import { type WasmBackend, wasmBackend } from '@webpeft/backend-wasm';
import { gemmModel } from './onnx.ts';

export interface MatmulCase {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** One prepared matmul: `rep` runs it to completion; `result` reads the output once (for checking). */
export interface Prepared {
  rep(): unknown;
  result(): Promise<ArrayLike<number>>;
  dispose(): void;
}

export interface Stack {
  readonly name: string;
  readonly threads: number;
  prepare(c: MatmulCase, a: Float32Array, b: Float32Array): Promise<Prepared>;
}

const shapeA = (c: MatmulCase) => (c.transA ? [c.k, c.m] : [c.m, c.k]);
const shapeB = (c: MatmulCase) => (c.transB ? [c.n, c.k] : [c.k, c.n]);

/** webpeft-wasm on `threads` threads: the Relaxed SIMD (FMA) build, or the portable SIMD128 one. */
export async function webpeftStack(threads: number, relaxedSimd = true): Promise<Stack & { backend: WasmBackend }> {
  const backend = await wasmBackend({ threads, relaxedSimd });
  return {
    name: `webpeft-wasm${relaxedSimd ? '' : ' SIMD128'} ${threads}T`,
    threads: backend.threads,
    backend,
    async prepare(c, a, b) {
      const ta: Tensor = fromArray(a, shapeA(c), { backend });
      const tb: Tensor = fromArray(b, shapeB(c), { backend });
      const opts = { transA: c.transA, transB: c.transB };
      return {
        rep: () => tidy(() => void matmul(ta, tb, opts)),
        result: async () => tidy(() => matmul(ta, tb, opts).dataSync()),
        dispose: () => {
          ta.dispose();
          tb.dispose();
        },
      };
    },
  };
}

type Tf = typeof import('@tensorflow/tfjs-core');

export function tfjsStack(tf: Tf, threads: number): Stack {
  return {
    name: `tfjs-wasm ${threads}T`,
    threads,
    async prepare(c, a, b) {
      const ta = tf.tensor(a, shapeA(c));
      const tb = tf.tensor(b, shapeB(c));
      return {
        rep: () => tf.matMul(ta, tb, c.transA, c.transB).dispose(),
        result: async () => {
          const y = tf.matMul(ta, tb, c.transA, c.transB);
          const v = y.dataSync();
          y.dispose();
          return v;
        },
        dispose: () => {
          ta.dispose();
          tb.dispose();
        },
      };
    },
  };
}

type Ort = typeof import('onnxruntime-node');

export function ortStack(ort: Ort, threads: number): Stack {
  return {
    name: `onnxruntime-node ${threads}T`,
    threads,
    async prepare(c, a, b) {
      const session = await ort.InferenceSession.create(gemmModel(c.m, c.k, c.n, c.transA, c.transB), {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      const feeds = { A: new ort.Tensor('float32', a, shapeA(c)), B: new ort.Tensor('float32', b, shapeB(c)) };
      return {
        rep: () => session.run(feeds),
        result: async () => (await session.run(feeds))['Y']!.data as Float32Array,
        dispose: () => void session.release(),
      };
    },
  };
}
