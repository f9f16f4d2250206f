// Test helper: replays the PyTorch fixtures of fixtures/optim.json (written by fixtures/generate.py).
import { type Tensor, keep, tensor } from '@webpeft/tensor';
import fixtures from '../fixtures/optim.json' with { type: 'json' };
import { AdamW } from './adamw.ts';
import { clipGradNorm } from './clip.ts';
import type { ParamGroupSpec } from './groups.ts';
import type { Optimizer } from './optimizer.ts';
import { type LRFactor, LRScheduler, constantSchedule, cosineWarmupDecay, linearWarmupDecay } from './schedule.ts';
import { SGD } from './sgd.ts';

export interface TorchHyper {
  readonly lr?: number;
  readonly betas?: readonly [number, number];
  readonly eps?: number;
  readonly weight_decay?: number;
  readonly amsgrad?: boolean;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly nesterov?: boolean;
}

export interface ScheduleSpec {
  readonly kind: 'constant' | 'linear' | 'cosine';
  readonly warmup_steps: number;
  readonly total_steps: number;
  readonly min_ratio?: number;
  readonly num_cycles?: number;
}

export interface FixtureStep {
  readonly grads: readonly (readonly number[] | null)[];
  readonly lrs: readonly number[];
  readonly total_norm?: number;
  readonly clipped_grads?: readonly (readonly number[] | null)[];
  readonly params: readonly (readonly number[])[];
}

export interface FixtureCase {
  readonly name: string;
  readonly optimizer: TorchHyper & { readonly type: 'adamw' | 'sgd' };
  readonly groups: readonly (TorchHyper & { readonly params: readonly number[] })[] | null;
  readonly params: readonly { readonly shape: readonly number[]; readonly values: readonly number[]; readonly requires_grad: boolean }[];
  readonly clip: { readonly max_norm: number; readonly norm_type: number | 'inf' } | null;
  readonly schedule: ScheduleSpec | null;
  readonly steps: readonly FixtureStep[];
}

export interface FixtureFile {
  readonly torch: string;
  readonly schedules: readonly (ScheduleSpec & { readonly factors: readonly number[] })[];
  readonly cases: readonly FixtureCase[];
}

export const FIXTURES = fixtures as unknown as FixtureFile;

/** torch's snake_case hyperparameters as ours. */
function camel(h: TorchHyper): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names: Record<string, string> = { weight_decay: 'weightDecay' };
  for (const [k, v] of Object.entries(h)) if (k !== 'type' && k !== 'params') out[names[k] ?? k] = v;
  return out;
}

export function scheduleOf(spec: ScheduleSpec): LRFactor {
  const base = { warmupSteps: spec.warmup_steps, totalSteps: spec.total_steps };
  if (spec.kind === 'constant') return constantSchedule({ warmupSteps: spec.warmup_steps });
  if (spec.kind === 'linear') return linearWarmupDecay(base);
  return cosineWarmupDecay({ ...base, ...(spec.min_ratio === undefined ? {} : { minRatio: spec.min_ratio }), ...(spec.num_cycles === undefined ? {} : { numCycles: spec.num_cycles }) });
}

export interface Run {
  readonly params: Tensor[];
  readonly optimizer: Optimizer;
  readonly scheduler: LRScheduler | null;
  dispose(): void;
}

/** Build the case's parameters (kept), optimizer and scheduler in `dtype`. */
export function setUp(c: FixtureCase, dtype: 'f32' | 'f64'): Run {
  const params = c.params.map((p) => {
    const t = keep(tensor(p.values, p.shape, { dtype }));
    t.requiresGrad = p.requires_grad;
    return t;
  });
  const defaults = camel(c.optimizer);
  const input = c.groups === null ? params : c.groups.map((g): ParamGroupSpec => ({ params: g.params.map((i) => params[i]!), ...camel(g) }));
  const optimizer: Optimizer = c.optimizer.type === 'adamw' ? new AdamW(input, defaults) : new SGD(input, defaults as { lr: number });
  const scheduler = c.schedule ? new LRScheduler(optimizer, scheduleOf(c.schedule)) : null;
  return {
    params,
    optimizer,
    scheduler,
    dispose() {
      optimizer.dispose();
      for (const p of params) p.dispose();
    },
  };
}

/** Set each parameter's gradient to the step's fixture values (a fresh kept tensor), or null. */
export function feedGrads(run: Run, c: FixtureCase, step: FixtureStep): void {
  run.params.forEach((p, i) => {
    const g = step.grads[i];
    p.grad?.dispose();
    p.grad = g ? keep(tensor(g, c.params[i]!.shape, { dtype: p.dtype })) : null;
  });
}

/** One training step as the generator took it: grads, clip, step, schedule, zeroGrad. Returns the clip norm, if any. */
export function takeStep(run: Run, c: FixtureCase, step: FixtureStep): Tensor | null {
  feedGrads(run, c, step);
  const norm = c.clip ? clipGradNorm(run.params, c.clip.max_norm, c.clip.norm_type === 'inf' ? Infinity : c.clip.norm_type) : null;
  run.optimizer.step();
  run.scheduler?.step();
  run.optimizer.zeroGrad();
  return norm;
}
