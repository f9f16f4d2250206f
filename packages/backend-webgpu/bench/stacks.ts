// The four stacks under test, behind one interface: prepare a case (upload operands), then run
// reps that each end in a small readback (the sampled entries of C, or the loss after the update).
import { createRequire } from 'node:module';
import { type Backend, type Tensor, add, div, fromArray, gather, keep, matmul, mean, mul, noGrad, reshape, sqrt, square, sub, tidy, zeros } from '@webpeft/tensor';
import type * as TF from '@tensorflow/tfjs';
import { allLimits } from '../src/mod.ts';
import type { MatmulCase, MatmulData, TrainConfig, TrainData } from './cases.ts';

export type StackName = 'webpeft-webgpu' | 'tfjs-webgpu' | 'webpeft-cpu' | 'tfjs-cpu';
export const STACKS: readonly StackName[] = ['webpeft-webgpu', 'tfjs-webgpu', 'webpeft-cpu', 'tfjs-cpu'];

export interface MatmulRun {
  /** One rep: compute C `chain` times (default 1; the earlier products are dropped), then read back the last one's sampled entries. */
  run(chain?: number): Promise<ArrayLike<number>>;
  dispose(): void;
}

export interface TrainRun {
  /** One train step (forward, backward, AdamW update); returns the loss, read back after the update was issued. */
  step(): Promise<number>;
  params(): Promise<{ a: ArrayLike<number>; b: ArrayLike<number> }>;
  dispose(): void;
}

export interface Stack {
  readonly name: StackName;
  prepareMatmul(c: MatmulCase, data: MatmulData): Promise<MatmulRun>;
  prepareTrain(cfg: TrainConfig, data: TrainData, bOnly: boolean): Promise<TrainRun>;
}

// ---- webpeft (any backend) ----

export function webpeftStack(name: StackName, backend: Backend): Stack {
  const opts = { backend };
  return {
    name,
    async prepareMatmul(c, data) {
      const a = keep(fromArray(data.a, c.aShape, opts));
      const b = keep(fromArray(data.b, c.bShape, opts));
      const idx = keep(fromArray(data.idx, [data.idx.length], { ...opts, dtype: 'i32' }));
      return {
        async run(chain = 1) {
          for (let i = 1; i < chain; i++) tidy(() => void matmul(a, b, { transA: c.transA, transB: c.transB }));
          const g = tidy(() => gather(reshape(matmul(a, b, { transA: c.transA, transB: c.transB }), [c.m * c.n]), idx));
          const v = await g.data();
          g.dispose();
          return v;
        },
        dispose() {
          for (const t of [a, b, idx]) t.dispose();
        },
      };
    },
    async prepareTrain(cfg, data, bOnly) {
      const { N, d, r } = cfg;
      const s = cfg.alpha / cfg.r;
      const x = keep(fromArray(data.x, [N, d], opts));
      const t = keep(fromArray(data.t, [N, d], opts));
      const w0 = keep(fromArray(data.w0, [d, d], opts));
      const A = keep(fromArray(data.a, [r, d], { ...opts, requiresGrad: !bOnly }));
      const B = keep(fromArray(data.b, [d, r], { ...opts, requiresGrad: true }));
      const state = (bOnly ? [B] : [A, B]).map((p) => ({ p, m: keep(zeros(p.shape, opts)), v: keep(zeros(p.shape, opts)) }));
      let stepNo = 0;
      return {
        async step() {
          const loss = tidy(() => {
            const y = add(matmul(x, w0, { transB: true }), mul(matmul(matmul(x, A, { transB: true }), B, { transB: true }), s));
            const l = mean(square(sub(y, t)));
            l.backward();
            return l;
          });
          stepNo++;
          const bc1 = 1 - cfg.beta1 ** stepNo;
          const bc2 = 1 - cfg.beta2 ** stepNo;
          noGrad(() =>
            tidy(() => {
              for (const { p, m, v } of state) {
                const g = p.grad!;
                m.assign(add(mul(m, cfg.beta1), mul(g, 1 - cfg.beta1)));
                v.assign(add(mul(v, cfg.beta2), mul(square(g), 1 - cfg.beta2)));
                const upd = add(div(div(m, bc1), add(sqrt(div(v, bc2)), cfg.eps)), mul(p, cfg.weightDecay));
                p.assign(sub(p, mul(upd, cfg.lr)));
                g.dispose();
                p.grad = null;
              }
            }),
          );
          const value = (await loss.data())[0]!;
          loss.dispose();
          return value;
        },
        async params() {
          return { a: await A.data(), b: await B.data() };
        },
        dispose() {
          const all: Tensor[] = [x, t, w0, A, B, ...state.flatMap((e) => [e.m, e.v])];
          for (const e of all) e.dispose();
        },
      };
    },
  };
}

// ---- TensorFlow.js (cpu or webgpu backend) ----

const require = createRequire(import.meta.url);
type TFModule = typeof TF;

let tfModule: TFModule | null = null;
/** tfjs through require(): its Node entry is CommonJS, and tfjs-backend-webgpu must see the same tfjs-core instance. */
export function loadTf(): TFModule {
  tfModule ??= require('@tensorflow/tfjs') as TFModule;
  return tfModule;
}

export function tfjsStack(name: StackName, backendName: 'cpu' | 'webgpu', gpuErrors?: () => string | null): Stack {
  const tf = loadTf();
  // tfjs has one global engine: switch to this stack's backend before every rep (a no-op when
  // current), so that the stacks can be measured interleaved.
  const use = async () => {
    if (tf.getBackend() !== backendName && !(await tf.setBackend(backendName))) throw new Error(`tf.setBackend('${backendName}') failed`);
  };
  const checkGpu = () => {
    const e = gpuErrors?.();
    if (e) throw new Error(`WebGPU error on tfjs-webgpu's device: ${e}`);
  };
  return {
    name,
    async prepareMatmul(c, data) {
      await use();
      const a = tf.tensor2d(data.a, [...c.aShape]);
      const b = tf.tensor2d(data.b, [...c.bShape]);
      const idx = tf.tensor1d(data.idx, 'int32');
      return {
        async run(chain = 1) {
          await use();
          for (let i = 1; i < chain; i++) tf.tidy(() => void tf.matMul(a, b, c.transA, c.transB));
          const g = tf.tidy(() => tf.gather(tf.reshape(tf.matMul(a, b, c.transA, c.transB), [-1]), idx));
          const v = await g.data();
          g.dispose();
          checkGpu();
          return v as Float32Array;
        },
        dispose() {
          tf.dispose([a, b, idx]);
        },
      };
    },
    async prepareTrain(cfg, data, bOnly) {
      await use();
      const { N, d, r } = cfg;
      const s = cfg.alpha / cfg.r;
      const x = tf.tensor2d(data.x, [N, d]);
      const t = tf.tensor2d(data.t, [N, d]);
      const w0 = tf.tensor2d(data.w0, [d, d]);
      const A: TF.Tensor2D = bOnly ? tf.tensor2d(data.a, [r, d]) : tf.variable(tf.tensor2d(data.a, [r, d]), true);
      const B = tf.variable(tf.tensor2d(data.b, [d, r]), true);
      const trainable = (bOnly ? [B] : [A as TF.Variable, B]) as TF.Variable[];
      const state = trainable.map((p) => ({ p, m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) }));
      const f = () => {
        const y = tf.add(tf.matMul(x, w0, false, true), tf.mul(tf.matMul(tf.matMul(x, A, false, true), B, false, true), s));
        return tf.mean(tf.square(tf.sub(y, t))) as TF.Scalar;
      };
      let stepNo = 0;
      return {
        async step() {
          await use();
          const { value, grads } = tf.variableGrads(f, trainable);
          stepNo++;
          const bc1 = 1 - cfg.beta1 ** stepNo;
          const bc2 = 1 - cfg.beta2 ** stepNo;
          tf.tidy(() => {
            for (const { p, m, v } of state) {
              const g = grads[p.name]!;
              m.assign(tf.add(tf.mul(m, cfg.beta1), tf.mul(g, 1 - cfg.beta1)));
              v.assign(tf.add(tf.mul(v, cfg.beta2), tf.mul(tf.square(g), 1 - cfg.beta2)));
              const upd = tf.add(tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), cfg.eps)), tf.mul(p, cfg.weightDecay));
              p.assign(tf.sub(p, tf.mul(upd, cfg.lr)));
            }
          });
          tf.dispose(grads);
          const l = (await value.data())[0]!;
          value.dispose();
          checkGpu();
          return l;
        },
        async params() {
          return { a: await A.data(), b: await B.data() };
        },
        dispose() {
          tf.dispose([x, t, w0, A, B, ...state.flatMap((e) => [e.m, e.v])]);
        },
      };
    },
  };
}

export interface TfjsWebGPUInit {
  readonly stack: Stack;
  readonly adapter: Record<string, unknown>;
}

/**
 * tfjs-backend-webgpu on a device of its own from the same Dawn instance (and so the same adapter)
 * that webpeft uses: a separate GPUDevice keeps its validation errors out of webpeft's error scope.
 * Its own registration wants navigator.gpu and a core adapter, so we register a factory that hands
 * it our device, requested with every adapter limit (the compatibility defaults — 4 storage buffers
 * per stage, 128 invocations per workgroup — are below what its shaders use).
 */
export async function initTfjsWebGPU(gpu: GPU, featureLevel: string): Promise<TfjsWebGPUInit> {
  const tf = loadTf();
  const wg = require('@tensorflow/tfjs-backend-webgpu') as typeof import('@tensorflow/tfjs-backend-webgpu');
  const adapter = await gpu.requestAdapter({ featureLevel } as GPURequestAdapterOptions);
  if (!adapter) throw new Error(`no adapter at feature level '${featureLevel}' for tfjs-webgpu`);
  const device = await adapter.requestDevice({ requiredLimits: allLimits(adapter) });
  let error: string | null = null;
  device.addEventListener('uncapturederror', (ev) => {
    error ??= (ev as GPUUncapturedErrorEvent).error.message;
  });
  void device.lost.then((info) => {
    error ??= `device lost: ${info.reason} ${info.message}`;
  });
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (!g.navigator!.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', async () => new wg.WebGPUBackend(device, adapter.info), 3);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not initialise its webgpu backend on this device');
  const take = () => {
    const e = error;
    error = null;
    return e;
  };
  const info = adapter.info as GPUAdapterInfo;
  const limits = allLimits(adapter);
  return {
    stack: tfjsStack('tfjs-webgpu', 'webgpu', take),
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, featureLevel, maxStorageBuffersPerShaderStage: limits['maxStorageBuffersPerShaderStage'], maxComputeInvocationsPerWorkgroup: limits['maxComputeInvocationsPerWorkgroup'] },
  };
}
