// The op conformance suite on the CPU backend: every PyTorch fixture in f64 (tight) and f32,
// every differentiable case against finite differences, and every registered op covered.
import { describe, expect, it } from 'vitest';
import fixtures from '@webpeft/tensor/fixtures/ops.json' with { type: 'json' };
import { OP_TABLE, type OpFixtureFile, checkDropoutMasks, checkOpCase, gradCheck } from '@webpeft/tensor/testing';
import { countKernels, kernelNames, opNames } from './_test-api.ts';
import { CPU, cpuBackend } from './mod.ts';

const backend = cpuBackend();
const file = fixtures as unknown as OpFixtureFile;
const covered = new Set<string>();

describe(`op conformance vs PyTorch ${file.torch} fixtures`, () => {
  it('has a kernel for every op in the registry (views need none)', () => {
    const missing = opNames().filter((op) => op !== 'reshape' && !kernelNames(CPU).includes(op));
    expect(missing).toEqual([]);
  });

  for (const float of ['f64', 'f32'] as const) {
    describe(float, () => {
      for (const c of file.cases) {
        it(c.name, async () => {
          let done: Promise<void> = Promise.resolve();
          const counts = countKernels(() => {
            done = checkOpCase(c, { backend, float });
          });
          await done;
          for (const k of counts.keys()) covered.add(k);
        });
      }
    });
  }

  for (const float of ['f32', 'f64'] as const) {
    it(`dropout masks equal the host Philox stream bit for bit (${float})`, async () => {
      let done: Promise<void> = Promise.resolve();
      const counts = countKernels(() => {
        done = checkDropoutMasks(backend, float);
      });
      await done;
      for (const k of counts.keys()) covered.add(k);
    });
  }

  describe('gradients vs central finite differences (f64)', () => {
    for (const c of file.cases.filter((k) => k.grads)) {
      it(c.name, () => {
        const run = OP_TABLE[c.op]!;
        gradCheck(
          (...xs) => run(xs, c.attrs, 'f64'),
          c.inputs.map((t) => ({ values: Array.from(t.data), shape: t.shape, dtype: t.dtype ?? 'f64' })),
          backend,
          { label: c.name, wrt: c.grads!.flatMap((g, i) => (g ? [i] : [])), rtol: 1e-5, atol: 1e-6 },
        );
      });
    }
  });

  it('exercises every op with a kernel', () => {
    const untested = opNames().filter((op) => op !== 'reshape' && !covered.has(op));
    expect(untested).toEqual([]);
  });
});
