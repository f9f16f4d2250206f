// The paper's layer y = x·W0ᵀ + b + (α/r)·x·Aᵀ·Bᵀ against PyTorch fixtures, trained and frozen factors.
import { describe, expect, it } from 'vitest';
import fixtures from '@webpeft/tensor/fixtures/ops.json' with { type: 'json' };
import { type OpFixtureFile, assertClose } from '@webpeft/tensor/testing';
import { add, countKernels, matmul, mul, setBackend, tensor, tidy } from './_test-api.ts';
import { cpuBackend } from './mod.ts';

setBackend(cpuBackend());
const cases = (fixtures as unknown as OpFixtureFile).cases.filter((c) => c.op === 'loraLinear');

describe('LoRA linear layer vs PyTorch', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThanOrEqual(3));

  for (const c of cases) {
    for (const frozenA of [false, true]) {
      it(`${c.name}${frozenA ? ' (A frozen: B-only)' : ''}`, () => {
        tidy(() => {
          const [x, w0, b, A, B] = c.inputs.map((t, i) => tensor(Array.from(t.data), t.shape, { dtype: 'f64', requiresGrad: i === 0 || i === 4 || (i === 3 && !frozenA) })) as [
            ReturnType<typeof tensor>,
            ReturnType<typeof tensor>,
            ReturnType<typeof tensor>,
            ReturnType<typeof tensor>,
            ReturnType<typeof tensor>,
          ];
          const s = c.attrs['scaling'] as number;
          const y = add(add(matmul(x, w0, { transB: true }), b), mul(matmul(matmul(x, A, { transB: true }), B, { transB: true }), s));
          const tol = { rtol: 1e-10, atol: 1e-12 };
          assertClose(`${c.name} forward`, y.shape, y.dataSync(), c.output.data, tol);
          const counts = countKernels(() => y.backward(Array.from(c.seed!.data)));
          assertClose(`${c.name} dx`, x.shape, x.grad!.dataSync(), c.grads![0]!.data, tol);
          assertClose(`${c.name} dB`, B.shape, B.grad!.dataSync(), c.grads![4]!.data, tol);
          expect(w0.grad).toBeNull();
          expect(b.grad).toBeNull();
          if (frozenA) {
            expect(A.grad).toBeNull();
            // dx needs x·W0 path (1) + two through the adapter, dB one: four matmuls; dA's would be a fifth
            expect(counts.get('matmul')).toBe(4);
          } else {
            assertClose(`${c.name} dA`, A.shape, A.grad!.dataSync(), c.grads![3]!.data, tol);
            expect(counts.get('matmul')).toBe(5);
          }
        });
      });
    }
  }
});
