import { cpuBackend } from '@webpeft/backend-cpu';
import { fromArray, matmul, setBackend, slice, sum, mul, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, wave } from './_test-utils.ts';
import { RotaryEmbedding, rotateHalf } from './mod.ts';

const cpu = cpuBackend();
setBackend(cpu);

const f64 = (values: number[], shape: number[]) => fromArray(values, shape, { dtype: 'f64' });

describe('rotary embeddings', () => {
  it('rotate_half maps [x1, x2] to [−x2, x1]', () => {
    tidy(() => expect(Array.from(rotateHalf(f64([1, 2, 3, 4], [1, 4])).dataSync())).toEqual([-3, -4, 1, 2]));
  });

  it('uses HF inv_freq = 1/theta^(2i/dim) with the frequencies repeated over both halves', () => {
    const r = new RotaryEmbedding({ dim: 4, theta: 10000 });
    expect(Array.from(r.inverseFrequencies())).toEqual([1, 0.01]);
    const { cos, sin } = r.hostTables(3);
    expect(Array.from(cos.slice(8, 12))).toEqual([Math.cos(2), Math.cos(0.02), Math.cos(2), Math.cos(0.02)]);
    expect(Array.from(sin.slice(4, 8))).toEqual([Math.sin(1), Math.sin(0.01), Math.sin(1), Math.sin(0.01)]);
  });

  it('scores depend only on the relative position: <R_m q, R_n k> = <R_(m+s) q, R_(n+s) k>', () => {
    const r = new RotaryEmbedding({ dim: 8, theta: 500 });
    tidy(() => {
      const q = f64(wave(8), [1, 1, 1, 8]);
      const k = f64(wave(8, 2), [1, 1, 1, 8]);
      const at = (x: typeof q, pos: number) => {
        const { cos, sin } = r.cosSin(1, x, { offset: pos });
        return r.apply(x, cos, sin);
      };
      const score = (m: number, n: number) => matmul(at(q, m), at(k, n), { transB: true }).dataSync()[0]!;
      expect(score(7, 3)).toBeCloseTo(score(4, 0), 12);
      expect(score(20, 9)).toBeCloseTo(score(11, 0), 12);
      // the rotation preserves norms
      expect(sum(mul(at(q, 13), at(q, 13))).dataSync()[0]).toBeCloseTo(sum(mul(q, q)).dataSync()[0]!, 12);
    });
    r.dispose();
  });

  it('caches device tables, grows them by doubling, and frees them on dispose', () => {
    const before = cpu.memory();
    const r = new RotaryEmbedding({ dim: 4 });
    tidy(() => {
      const like = f64([0], [1]);
      const a = r.tables(5, like);
      expect(a.cos.shape).toEqual([16, 4]);
      expect(r.tables(16, like).cos).toBe(a.cos);
      const b = r.tables(17, like);
      expect(b.cos.shape).toEqual([32, 4]);
      expect(a.cos.isDisposed).toBe(true);
      expectClose('cos table', b.cos, Array.from(r.hostTables(32).cos), 0, 0);
      // another dtype rebuilds the tables
      expect(r.tables(3, fromArray([0], [1])).cos.dtype).toBe('f32');
    });
    r.dispose();
    expect(cpu.memory()).toEqual(before);
  });

  it('partial rotary rotates the first dim channels and passes the rest through', () => {
    const r = new RotaryEmbedding({ dim: 2 });
    tidy(() => {
      const x = f64(wave(2 * 3 * 6), [1, 2, 3, 6]);
      const { cos, sin } = r.cosSin(3, x, { offset: 4 });
      const y = r.apply(x, cos, sin);
      expectClose('pass-through', slice(y, [0, 0, 0, 2]), Array.from(slice(x, [0, 0, 0, 2]).dataSync()), 0, 0);
      const full = new RotaryEmbedding({ dim: 2 });
      expectClose('rotated part', slice(y, [0, 0, 0, 0], [1, 2, 3, 2]), Array.from(full.apply(slice(x, [0, 0, 0, 0], [1, 2, 3, 2]), cos, sin).dataSync()), 0, 0);
    });
    expect(() => new RotaryEmbedding({ dim: 3 })).toThrow(/positive even integer/);
    r.dispose();
  });
});
