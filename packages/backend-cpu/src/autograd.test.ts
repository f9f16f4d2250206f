import { describe, expect, it } from 'vitest';
import { BackendMismatchError, DTypeError, GradientError, ShapeError, add, countKernels, wave, exp, keep, matmul, mul, noGrad, setBackend, sum, tensor, tidy } from './_test-api.ts';
import { cpuBackend } from './mod.ts';

setBackend(cpuBackend());

describe('autograd', () => {
  it('accumulates gradients across backward calls and through shared inputs', () => {
    const x = keep(tensor([1, 2, 3], undefined, { dtype: 'f64', requiresGrad: true }));
    tidy(() => sum(mul(x, x)).backward()); // d/dx Σx² = 2x
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 4, 6]);
    tidy(() => sum(add(x, x)).backward()); // + 2
    expect(Array.from(x.grad!.dataSync())).toEqual([4, 6, 8]);
    x.dispose();
  });

  it('backward on a non-scalar needs a seed; seeds must be finite and match', () => {
    tidy(() => {
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      const y = mul(x, 3);
      expect(() => y.backward()).toThrow(GradientError);
      expect(() => y.backward()).toThrow(/needs a seed gradient of shape \[2\]/);
      expect(() => y.backward([1, NaN])).toThrow(/holds NaN at index 1/);
      expect(() => y.backward([1, 2, 3])).toThrow(/seed has 3 values/);
      y.backward([1, 10]);
      expect(Array.from(x.grad!.dataSync())).toEqual([3, 30]);
    });
  });

  it('backward on a tensor that needs no grad is an error', () => {
    tidy(() => {
      const y = sum(tensor([1, 2]));
      expect(() => y.backward()).toThrow(/does not require grad/);
    });
  });

  it('noGrad records nothing', () => {
    tidy(() => {
      const x = tensor([1, 2], undefined, { requiresGrad: true });
      const y = noGrad(() => sum(exp(x)));
      expect(y.requiresGrad).toBe(false);
      expect(y.isLeaf).toBe(true);
    });
  });

  it('frozen inputs get no gradient and launch no gradient kernels', () => {
    // y = x·W0ᵀ + s·(x·Aᵀ)·Bᵀ with W0 and A frozen: only dB is computed
    const run = (freezeA: boolean) =>
      tidy(() => {
        const x = tensor(wave(6 * 5), [6, 5]);
        const w0 = tensor(wave(4 * 5), [4, 5]);
        const A = tensor(wave(2 * 5), [2, 5], { requiresGrad: !freezeA });
        const B = tensor(wave(4 * 2), [4, 2], { requiresGrad: true });
        const y = add(matmul(x, w0, { transB: true }), mul(matmul(matmul(x, A, { transB: true }), B, { transB: true }), 2));
        const counts = countKernels(() => sum(y).backward());
        return { counts, aGrad: A.grad !== null, bGrad: B.grad !== null, w0Grad: w0.grad !== null };
      });
    const frozen = run(true);
    const lora = run(false);
    expect(frozen.aGrad).toBe(false);
    expect(frozen.w0Grad).toBe(false);
    expect(frozen.bGrad).toBe(true);
    expect(lora.aGrad).toBe(true);
    // B-only: one matmul for dB; LoRA adds d(xAᵀ) and dA
    expect(frozen.counts.get('matmul')).toBe(1);
    expect(lora.counts.get('matmul')).toBe(3);
  });

  it('only leaves can change requiresGrad; integer tensors cannot require grad', () => {
    tidy(() => {
      const x = tensor([1], undefined, { requiresGrad: true });
      const y = mul(x, 2);
      expect(() => (y.requiresGrad = false)).toThrow(/only be set on leaf tensors/);
      expect(() => tensor([1], undefined, { dtype: 'i32', requiresGrad: true })).toThrow(/only floating-point tensors/);
    });
  });
});

describe('bad input', () => {
  it('shape mismatches name the op and both shapes', () => {
    tidy(() => {
      const a = tensor(wave(6), [2, 3]);
      const b = tensor(wave(8), [2, 4]);
      expect(() => add(a, b)).toThrow(ShapeError);
      expect(() => add(a, b)).toThrow(/add: shapes \[2, 3\] and \[2, 4\] cannot be broadcast/);
      expect(() => matmul(a, b)).toThrow(/matmul\(\[2, 3\], \[2, 4\]\): inner dimensions differ \(3 vs 2\)/);
      expect(() => matmul(tensor([1, 2]), a)).toThrow(/both operands need rank ≥ 2/);
    });
  });

  it('dtype mismatches name the op and both dtypes; no silent promotion', () => {
    tidy(() => {
      const a = tensor([1, 2]);
      const b = tensor([1, 2], undefined, { dtype: 'i32' });
      const c = tensor([1, 2], undefined, { dtype: 'f64' });
      expect(() => add(a, b)).toThrow(DTypeError);
      expect(() => add(a, b)).toThrow(/add: dtypes differ \(f32 and i32\)/);
      expect(() => matmul(tensor([[1]]), tensor([[1]], undefined, { dtype: 'f64' }))).toThrow(/dtypes differ \(f32 and f64\)/);
      expect(() => exp(b)).toThrow(/exp: dtype i32 is not supported/);
      expect(() => add(c, a)).toThrow(/f64 and f32/);
    });
  });

  it('ops across backends are refused', async () => {
    const { CpuBackend } = await import('./backend.ts');
    tidy(() => {
      const other = new CpuBackend();
      Object.defineProperty(other, 'name', { value: 'cpu' });
      const a = tensor([1, 2]);
      const b = tensor([1, 2], undefined, { backend: other });
      expect(() => add(a, b)).toThrow(BackendMismatchError);
    });
  });

  it('a value count that does not fill the shape is an error', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2, 2\]/);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
  });
});
