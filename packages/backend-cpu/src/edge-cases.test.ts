// Regressions found while building the layers on top of the core.
import { describe, expect, it } from 'vitest';
import { dropout, logSoftmax, logicalAnd, logicalNot, logicalOr, setBackend, softmax, tensor, tidy } from './_test-api.ts';
import { cpuBackend } from './mod.ts';

const cpu = cpuBackend();
setBackend(cpu);

describe('edge cases', () => {
  it('softmax of a fully masked row (all ≈ -1.8e308) is uniform, not n', () => {
    tidy(() => {
      const min = -1.7976931348623157e308;
      const x = tensor([min, min, min, min, 0, 1, 2, 3], [2, 4], { dtype: 'f64' });
      const p = softmax(x, -1).dataSync();
      expect(Array.from(p.slice(0, 4))).toEqual([0.25, 0.25, 0.25, 0.25]);
      const lp = logSoftmax(x, -1).dataSync();
      expect(lp[0]).toBeCloseTo(Math.log(0.25), 12);
    });
  });

  it('logical ops on bool masks', () => {
    tidy(() => {
      const a = tensor([1, 1, 0, 0], [4], { dtype: 'bool' });
      const b = tensor([1, 0, 1, 0], [4], { dtype: 'bool' });
      expect(Array.from(logicalAnd(a, b).dataSync())).toEqual([1, 0, 0, 0]);
      expect(Array.from(logicalOr(a, b).dataSync())).toEqual([1, 1, 1, 0]);
      expect(Array.from(logicalNot(a).dataSync())).toEqual([0, 0, 1, 1]);
      expect(() => logicalAnd(a, tensor([1, 0, 1, 0]))).toThrow(/bool operands expected, got f32/);
    });
  });

  it('detach() results are owned by the enclosing tidy scope', () => {
    const before = cpu.memory();
    const x = tensor([1, 2, 3]);
    tidy(() => {
      x.detach();
    });
    x.dispose();
    expect(cpu.memory()).toEqual(before);
  });

  it('dropout with p = 1 zeroes everything (as torch)', () => {
    tidy(() => {
      expect(Array.from(dropout(tensor([1, 2, 3]), 1).dataSync())).toEqual([0, 0, 0]);
      expect(() => dropout(tensor([1]), 1.5)).toThrow(/p must be in \[0, 1\]/);
    });
  });
});
