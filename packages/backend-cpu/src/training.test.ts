import { describe, expect, it } from 'vitest';
import { Generator, add, gather, keep, logSoftmax, matmul, mean, mul, neg, noGrad, orthogonal, randn, relu, reshape, setBackend, sub, tensor, tidy, zeros } from './_test-api.ts';
import type { Tensor } from './_test-api.ts';
import { cpuBackend } from './mod.ts';

setBackend(cpuBackend());

function sgd(params: Tensor[], lr: number): void {
  noGrad(() => {
    for (const p of params) {
      if (!p.grad) continue;
      p.assign(sub(p, mul(p.grad, lr)));
      p.grad.dispose();
      p.grad = null;
    }
  });
}

/** Two interleaved spirals: not linearly separable, so the hidden layer must learn. */
function spirals(n: number, g: Generator): { x: number[]; y: number[] } {
  const noise = g.normal(2 * n, 0, 0.05);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const t = (i / n) * 3 + 0.3;
    const angle = t * 2.2 + cls * Math.PI;
    x.push(t * Math.cos(angle) * 0.6 + noise[2 * i]!, t * Math.sin(angle) * 0.6 + noise[2 * i + 1]!);
    y.push(cls);
  }
  return { x, y };
}

describe('training', () => {
  it('a small MLP learns two spirals with plain SGD (cross-entropy via logSoftmax + gather)', () => {
    const g = new Generator(2024);
    const n = 128;
    const data = spirals(n, g);
    const x = keep(tensor(data.x, [n, 2]));
    const labels = keep(tensor(data.y, [n], { dtype: 'i32' }));
    const rows = keep(tensor(Array.from({ length: n }, (_, i) => i * 2 + data.y[i]!), [n], { dtype: 'i32' }));
    const h = 48;
    const params = [randn([h, 2], { generator: g, std: 1 }), zeros([h]), randn([2, h], { generator: g, std: 1 / Math.sqrt(h) }), zeros([2])].map((p) => {
      p.requiresGrad = true;
      return keep(p);
    });
    const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const lossAt = () =>
      tidy(() => {
        const hidden = relu(add(matmul(x, w1, { transB: true }), b1));
        const logits = add(matmul(hidden, w2, { transB: true }), b2);
        // NLL of the true class: pick log p[i, y_i] from the flattened log-probabilities
        const nll = neg(mean(gather(reshape(logSoftmax(logits, -1), [2 * n]), rows)));
        nll.backward();
        return nll.dataSync()[0]!;
      });
    const first = lossAt();
    sgd(params, 0.5);
    let last = first;
    for (let step = 0; step < 600; step++) {
      last = lossAt();
      sgd(params, 0.5);
    }
    expect(first).toBeGreaterThan(0.6);
    expect(last).toBeLessThan(0.1);
    const acc = tidy(() => {
      const logits = add(matmul(relu(add(matmul(x, w1, { transB: true }), b1)), w2, { transB: true }), b2).dataSync();
      let ok = 0;
      for (let i = 0; i < n; i++) ok += Number((logits[2 * i + 1]! > logits[2 * i]! ? 1 : 0) === data.y[i]);
      return ok / n;
    });
    expect(acc).toBeGreaterThan(0.95);
    for (const t of [x, labels, rows, ...params]) t.dispose();
  });

  it('B-only (A frozen orthonormal) fits a rank-r target as Lemma 4.1 predicts', () => {
    // With A = Q frozen and Δ = U·Q (the target lies in A's row space), B* = U is reachable: loss → noise floor.
    const g = new Generator(77);
    const [d, r, n] = [12, 3, 256];
    const A = keep(orthogonal([r, d], { generator: g }));
    const U = randn([d, r], { generator: g });
    const delta = keep(noGrad(() => matmul(U, A)));
    U.dispose();
    const x = keep(randn([n, d], { generator: g }));
    const y = keep(noGrad(() => matmul(x, delta, { transB: true })));
    const B = keep(zeros([d, r]));
    B.requiresGrad = true;
    let loss = Infinity;
    for (let step = 0; step < 300; step++) {
      loss = tidy(() => {
        const pred = matmul(matmul(x, A, { transB: true }), B, { transB: true });
        const diff = sub(pred, y);
        const l = mean(mul(diff, diff));
        l.backward();
        return l.dataSync()[0]!;
      });
      sgd([B], 0.5);
    }
    expect(A.grad).toBeNull();
    expect(loss).toBeLessThan(1e-6);
    for (const t of [A, delta, x, y, B]) t.dispose();
  });
});
