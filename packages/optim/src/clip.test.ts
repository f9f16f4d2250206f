// clipGradNorm beyond the fixtures: no gradients, no-op below the threshold, identity, async helper.
import { cpuBackend } from '@webpeft/backend-cpu';
import { type Tensor, keep, setBackend, tensor, zeros } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradNormAsync } from './clip.ts';

const cpu = cpuBackend();
setBackend(cpu);

function withGrad(grad: number[] | null): Tensor {
  const p = keep(zeros([grad?.length ?? 1]));
  p.requiresGrad = true;
  if (grad) p.grad = keep(tensor(grad));
  return p;
}

describe('clipGradNorm', () => {
  it('scales all gradients by maxNorm / ‖g‖ (norm over every gradient together) and returns ‖g‖', () => {
    const params = [withGrad([3, 0]), withGrad([0, 4]), withGrad(null)];
    const grad0 = params[0]!.grad!;
    const norm = clipGradNorm(params, 1);
    expect(norm.shape).toEqual([]);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    expect(params[0]!.grad).toBe(grad0); // updated in place, identity kept
    expect(Array.from(grad0.dataSync()).map((v) => +v.toFixed(6))).toEqual([0.6, 0]);
    expect(Array.from(params[1]!.grad!.dataSync()).map((v) => +v.toFixed(6))).toEqual([0, 0.8]);
    expect(params[2]!.grad).toBeNull();
    norm.dispose();
    for (const p of params) p.dispose();
  });

  it('leaves gradients under the threshold unchanged', () => {
    const p = withGrad([0.1, -0.2]);
    const before = Array.from(p.grad!.dataSync());
    clipGradNorm([p], 10).dispose();
    expect(Array.from(p.grad!.dataSync())).toEqual(before);
    p.dispose();
  });

  it('returns a zero norm when no parameter has a gradient, like torch', async () => {
    const p = withGrad(null);
    expect(await clipGradNormAsync([p], 1)).toBe(0);
    p.dispose();
  });

  it('the async helper reads the norm and frees it; no temporaries are left behind', async () => {
    const params = [withGrad([1, 2, 2])];
    const before = cpu.memory();
    expect(await clipGradNormAsync(params, 1, Infinity)).toBe(2);
    expect(cpu.memory()).toEqual(before);
    expect(Array.from(params[0]!.grad!.dataSync()).map((v) => +v.toFixed(5))).toEqual([0.5, 1, 1]);
    params[0]!.dispose();
  });

  it('rejects a non-positive norm type', () => {
    expect(() => clipGradNorm([], 1, 0)).toThrow(/normType must be > 0 or Infinity, got 0/);
  });
});
