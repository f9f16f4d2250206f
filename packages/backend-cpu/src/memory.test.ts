import { describe, expect, it } from 'vitest';
import { DisposedTensorError, Generator, add, dropout, dropoutMask, keep, matmul, mean, mul, noGrad, randn, setBackend, square, sub, tensor, tidy, wave, zeros } from './_test-api.ts';
import { cpuBackend } from './mod.ts';

const cpu = cpuBackend();
setBackend(cpu);

describe('scoped memory', () => {
  it('tidy disposes intermediates and keeps what it returns', () => {
    const before = cpu.memory().allocations;
    const y = tidy(() => {
      const a = tensor(wave(4), [2, 2]);
      const b = add(a, 1);
      return mul(b, b);
    });
    expect(cpu.memory().allocations).toBe(before + 1);
    y.dispose();
    expect(cpu.memory().allocations).toBe(before);
  });

  it('a disposed tensor cannot be read or used', () => {
    const t = tensor([1, 2]);
    t.dispose();
    t.dispose(); // idempotent
    expect(() => t.dataSync()).toThrow(DisposedTensorError);
    expect(t.isDisposed).toBe(true);
  });

  it('views share storage until the last one is disposed', () => {
    const t = tensor([1, 2, 3, 4]);
    const d = t.detach();
    t.dispose();
    expect(Array.from(d.dataSync())).toEqual([1, 2, 3, 4]);
    d.dispose();
  });

  it('a 1,000-step LoRA training loop keeps memory flat', () => {
    const g = new Generator(11);
    const w0 = keep(randn([16, 16], { generator: g }));
    const A = keep(randn([4, 16], { generator: g, std: 0.25 }));
    const B = keep(zeros([16, 4]));
    B.requiresGrad = true;
    const x = keep(randn([32, 16], { generator: g }));
    const target = keep(randn([32, 16], { generator: g }));
    const step = () =>
      tidy(() => {
        const h = dropout(x, 0.1, { generator: g });
        const y = add(matmul(h, w0, { transB: true }), mul(matmul(matmul(h, A, { transB: true }), B, { transB: true }), 2));
        mean(square(sub(y, target))).backward();
        noGrad(() => B.assign(sub(B, mul(B.grad!, 0.01))));
        B.grad!.dispose();
        B.grad = null;
      });
    for (let i = 0; i < 10; i++) step();
    const baseline = cpu.memory();
    for (let i = 0; i < 1000; i++) step();
    expect(cpu.memory()).toEqual(baseline);
    expect(B.dataSync().some((v) => v !== 0)).toBe(true);
    for (const t of [w0, A, B, x, target]) t.dispose();
  });
});

describe('assign', () => {
  it('updates in place and invalidates recorded graphs', () => {
    tidy(() => {
      const w = tensor([1, 2], undefined, { requiresGrad: true });
      const y = mul(w, w);
      noGrad(() => w.assign(tensor([5, 6])));
      expect(Array.from(w.dataSync())).toEqual([5, 6]);
      expect(() => y.backward([1, 1])).toThrow(/modified by assign\(\) after it was used/);
      expect(() => w.assign(tensor([1, 2, 3]))).toThrow(/does not match/);
    });
  });
});

describe('dropout', () => {
  it('masks are a pure function of (seed, offset) and keep ≈ 1 − p', () => {
    const x = tensor(new Array(4000).fill(1), [40, 100]);
    const m1 = dropoutMask(x, 0.25, new Generator(5)).dataSync();
    const m2 = dropoutMask(x, 0.25, new Generator(5)).dataSync();
    expect(Array.from(m1)).toEqual(Array.from(m2));
    const kept = Array.from(m1).filter((v) => v !== 0);
    expect(Math.abs(kept.length / 4000 - 0.75)).toBeLessThan(0.03);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    const y = dropout(x, 0.25, { training: false });
    expect(y).toBe(x);
  });

  it('gradient flows only through kept elements', () => {
    tidy(() => {
      const x = tensor(wave(64), [64], { requiresGrad: true });
      const m = dropoutMask(x, 0.5, new Generator(9));
      mul(x, m).backward(new Array(64).fill(1));
      expect(Array.from(x.grad!.dataSync())).toEqual(Array.from(m.dataSync()));
    });
  });
});
