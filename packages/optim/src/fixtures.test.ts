// AdamW, SGD, clipping and schedules against PyTorch (fixtures/optim.json, from fixtures/generate.py):
// the same gradients go in, the parameters after every step must match.
import { assertClose } from '@webpeft/tensor/testing';
import { cpuBackend } from '@webpeft/backend-cpu';
import { type Tensor, setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { FIXTURES, feedGrads, scheduleOf, setUp, takeStep } from './_fixtures.ts';
import { clipGradNorm } from './clip.ts';

setBackend(cpuBackend());

const TOLERANCE = {
  f64: { rtol: 1e-10, atol: 1e-12 },
  // f32 carries ~1e-7 relative error per op; Adam's m/(√v + ε) and momentum accumulate a few
  f32: { rtol: 2e-5, atol: 2e-6 },
} as const;

describe(`PyTorch ${FIXTURES.torch} optimizer fixtures`, () => {
  it('covers AdamW (amsgrad, groups, frozen, clip, schedules) and SGD (momentum, dampening, nesterov, weight decay)', () => {
    const names = FIXTURES.cases.map((c) => c.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const kind of ['adamw_amsgrad', 'adamw_groups', 'adamw_frozen_and_skipped', 'adamw_clip_norm', 'sgd_nesterov', 'sgd_dampening', 'sgd_weight_decay']) expect(names).toContain(kind);
  });

  for (const dtype of ['f64', 'f32'] as const) {
    describe(dtype, () => {
      for (const c of FIXTURES.cases) {
        it(c.name, async () => {
          const tol = TOLERANCE[dtype];
          const run = setUp(c, dtype);
          for (const [s, step] of c.steps.entries()) {
            expect(run.optimizer.lrs, `lrs used by step ${s}`).toEqual(step.lrs.map((lr) => expect.closeTo(lr, 15)));
            const norm = takeStep(run, c, step);
            if (norm) {
              const value = (await norm.data())[0]!;
              assertClose(`${c.name} step ${s}: total norm`, [], [value], [step.total_norm!], tol);
              norm.dispose();
            }
            for (const [i, p] of run.params.entries()) {
              assertClose(`${c.name} step ${s}: parameter ${i}`, p.shape, await p.data(), step.params[i]!, tol);
            }
          }
          run.dispose();
        });
      }
    });
  }

  it('clipGradNorm scales the gradients exactly as clip_grad_norm_ (f64)', async () => {
    for (const c of FIXTURES.cases.filter((k) => k.clip)) {
      const run = setUp(c, 'f64');
      for (const [s, step] of c.steps.entries()) {
        feedGrads(run, c, step);
        const norm = clipGradNorm(run.params, c.clip!.max_norm, c.clip!.norm_type === 'inf' ? Infinity : c.clip!.norm_type);
        for (const [i, p] of run.params.entries()) {
          const expected = step.clipped_grads![i];
          if (expected === null) expect(p.grad).toBeNull();
          else assertClose(`${c.name} step ${s}: clipped grad ${i}`, p.shape, await p.grad!.data(), expected!, TOLERANCE.f64);
        }
        norm.dispose();
        run.optimizer.step();
        run.scheduler?.step();
      }
      run.optimizer.zeroGrad();
      run.dispose();
    }
  });

  it('frozen parameters are unchanged and get no state; skipped ones get state on their first gradient', () => {
    const c = FIXTURES.cases.find((k) => k.name === 'adamw_frozen_and_skipped')!;
    const run = setUp(c, 'f64');
    const [frozen, always, sometimes] = run.params as [Tensor, Tensor, Tensor];
    takeStep(run, c, c.steps[0]!);
    expect(run.optimizer.stateOf(frozen)).toBeUndefined();
    expect(Object.keys(run.optimizer.stateOf(always)!).sort()).toEqual(['exp_avg', 'exp_avg_sq']);
    expect(run.optimizer.stateOf(sometimes)).toBeDefined();
    takeStep(run, c, c.steps[1]!);
    takeStep(run, c, c.steps[2]!);
    const dict = run.optimizer.stateDict();
    expect(Object.keys(dict.state)).toEqual(['1', '2']);
    // torch keeps a per-parameter step: the one skipped twice has had 1 update, the other 3
    expect(dict.paramSteps).toEqual({ 1: 3, 2: 1 });
    expect(Array.from(frozen.dataSync())).toEqual(c.params[0]!.values);
    run.dispose();
  });
});

describe('schedules match transformers.optimization', () => {
  for (const spec of FIXTURES.schedules) {
    const label = `${spec.kind} warmup ${spec.warmup_steps} total ${spec.total_steps}${spec.min_ratio ? ` minRatio ${spec.min_ratio}` : ''}${spec.num_cycles ? ` cycles ${spec.num_cycles}` : ''}`;
    it(label, () => {
      const factor = scheduleOf(spec);
      const got = spec.factors.map((_, step) => factor(step));
      assertClose(label, [got.length], got, spec.factors, { rtol: 1e-14, atol: 1e-15 });
    });
  }
});
