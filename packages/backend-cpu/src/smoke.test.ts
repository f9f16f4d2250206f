import { describe, expect, it } from 'vitest';
import { matmul, setBackend, tensor, sum, mul, tidy, add, keep } from '@webpeft/tensor';
import { cpuBackend } from './mod.ts';

setBackend(cpuBackend());

describe('smoke', () => {
  it('matmul + backward', () => {
    const a = keep(tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true }));
    const b = keep(tensor([[5, 6], [7, 8]], undefined, { requiresGrad: true }));
    tidy(() => {
      const y = matmul(a, b);
      expect(Array.from(y.dataSync())).toEqual([19, 22, 43, 50]);
      sum(mul(add(y, 1), 2)).backward();
    });
    expect(Array.from(a.grad!.dataSync())).toEqual([22, 30, 22, 30]);
    expect(Array.from(b.grad!.dataSync())).toEqual([8, 8, 12, 12]);
  });
});
