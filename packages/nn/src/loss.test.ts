import { cpuBackend } from '@webpeft/backend-cpu';
import { fromArray, setBackend, tensor, tidy } from '@webpeft/tensor';
import { gradCheck } from '@webpeft/tensor/testing';
import { describe, expect, it } from 'vitest';
import { wave } from './_test-utils.ts';
import { crossEntropy, mseLoss } from './mod.ts';

const cpu = cpuBackend();
setBackend(cpu);

const i32 = (values: number[], shape: number[]) => fromArray(values, shape, { dtype: 'i32' });

describe('crossEntropy', () => {
  it('gradients agree with finite differences (ignore index, label smoothing, 3-D logits)', () => {
    const targets = [1, -100, 3, 0, 2, 2];
    gradCheck((logits) => crossEntropy(logits, i32(targets, [2, 3]), { labelSmoothing: 0.15 }), [{ values: wave(2 * 3 * 4), shape: [2, 3, 4] }], cpu, { label: 'crossEntropy' });
    gradCheck((logits) => crossEntropy(logits, i32(targets, [6]), { reduction: 'none' }), [{ values: wave(6 * 4, 1), shape: [6, 4] }], cpu, { label: 'crossEntropy none' });
  });

  it("reduction 'none' keeps the target shape and zeroes ignored positions", () => {
    tidy(() => {
      const l = crossEntropy(tensor(wave(2 * 3 * 4), [2, 3, 4]), i32([1, -100, 3, 0, -100, 2], [2, 3]), { reduction: 'none' });
      expect(l.shape).toEqual([2, 3]);
      const v = Array.from(l.dataSync());
      expect(v[1]).toBe(0);
      expect(v[4]).toBe(0);
      expect(v.filter((x) => x > 0)).toHaveLength(4);
    });
  });

  it('the mean over zero non-ignored targets is NaN, as in PyTorch', () => {
    tidy(() => expect(crossEntropy(tensor(wave(8), [2, 4]), i32([-100, -100], [2])).dataSync()[0]).toBeNaN());
  });

  it('checks shapes, dtypes and (on the CPU) class ids', () => {
    tidy(() => {
      const logits = tensor(wave(8), [2, 4]);
      expect(() => crossEntropy(logits, i32([1, 2, 3], [3]))).toThrow(/targets \[3\] must have the shape of logits \[2, 4\] without the class axis/);
      expect(() => crossEntropy(logits, i32([1, 4], [2]))).toThrow();
      expect(() => crossEntropy(logits, tensor([0.5, 0.5]))).toThrow(/probability targets \[2\]/);
      expect(() => crossEntropy(i32([1, 2], [1, 2]), i32([0], [1]))).toThrow(/logits must be f32 or f64/);
      expect(() => crossEntropy(logits, i32([1, 2], [2]), { labelSmoothing: 2 })).toThrow(/labelSmoothing/);
    });
  });
});

describe('mseLoss', () => {
  it('reduces like torch and refuses to broadcast', () => {
    tidy(() => {
      const p = tensor([1, 2, 3, 4], [2, 2]);
      const t = tensor([0, 2, 5, 4], [2, 2]);
      expect(mseLoss(p, t).dataSync()[0]).toBe(1.25);
      expect(mseLoss(p, t, { reduction: 'sum' }).dataSync()[0]).toBe(5);
      expect(Array.from(mseLoss(p, t, { reduction: 'none' }).dataSync())).toEqual([1, 0, 4, 0]);
      expect(() => mseLoss(p, tensor([1, 2]))).toThrow(/differ in shape/);
    });
  });
});
