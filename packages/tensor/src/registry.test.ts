import { describe, expect, it } from 'vitest';
import type { Backend, TensorMeta } from './backend.ts';
import type { DType, TypedArray } from './dtype.ts';
import { BackendMismatchError, DisposedTensorError, MissingKernelError } from './errors.ts';
import { add, fromArray, matmul, opNames, registerKernel, tidy } from './mod.ts';

/** A backend with storage but only the kernels a test registers. */
class BareBackend implements Backend<TypedArray> {
  readonly dtypes = new Set<DType>(['f32']);
  constructor(readonly name: string) {}
  upload(values: TypedArray): TypedArray {
    return values.slice();
  }
  async read(s: TypedArray, _m: TensorMeta): Promise<TypedArray> {
    return s.slice();
  }
  release(): void {}
  memory() {
    return { bytes: 0, allocations: 0 };
  }
}

describe('op registry', () => {
  it('lists every op once, including the primitives ARCHITECTURE.md names', () => {
    const names = opNames();
    expect(new Set(names).size).toBe(names.length);
    for (const op of ['matmul', 'add', 'sum', 'max', 'gather', 'scatterAdd', 'softmax', 'logSoftmax', 'layerNorm', 'rmsNorm', 'gelu', 'silu', 'dropoutMask', 'reshape', 'transpose', 'slice', 'concat', 'where', 'argmax', 'topkIndices', 'cast']) {
      expect(names).toContain(op);
    }
  });

  it('a missing kernel fails by op and backend name', () => {
    const b = new BareBackend('bare');
    const x = fromArray([1, 2], [1, 2], { backend: b });
    expect(() => matmul(x, x, { transB: true })).toThrow(MissingKernelError);
    expect(() => matmul(x, x, { transB: true })).toThrow(/backend 'bare' has no kernel for op 'matmul'/);
  });

  it('a registered kernel runs; mixing backends is an error', async () => {
    const b = new BareBackend('bare2');
    registerKernel<unknown, TypedArray>('bare2', 'add', ({ inputs: [x, y] }) => Float32Array.from(x!.storage, (v, i) => v + y!.storage[i]!));
    const x = fromArray([1, 2], [2], { backend: b });
    expect(Array.from(await add(x, x).data())).toEqual([2, 4]);
    const other = fromArray([1, 2], [2], { backend: new BareBackend('bare3') });
    expect(() => add(x, other)).toThrow(BackendMismatchError);
  });

  it('disposed tensors fail clearly', () => {
    const b = new BareBackend('bare4');
    const x = tidy(() => fromArray([1], [1], { backend: b, name: 'weights' }));
    x.dispose();
    expect(() => add(x, x)).toThrow(DisposedTensorError);
    expect(() => add(x, x)).toThrow(/tensor 'weights' #\d+ \[1\] f32 was used after it was disposed/);
  });
});
