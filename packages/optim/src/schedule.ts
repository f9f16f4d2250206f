// Learning-rate schedules as multipliers step → factor, with Hugging Face transformers' formulas
// (src/transformers/optimization.py), and a scheduler that applies them like torch's LambdaLR.
import { OptimizerError } from './errors.ts';

/** Multiplier of the base learning rate at a step (0-based: the factor used by the step-th update). */
export type LRFactor = (step: number) => number;

export interface WarmupOptions {
  /** Steps of linear warmup from 0 to 1. */
  readonly warmupSteps: number;
}

export interface DecayOptions extends WarmupOptions {
  /** Step at which the decay reaches its end (HF's num_training_steps). */
  readonly totalSteps: number;
}

export interface CosineOptions extends DecayOptions {
  /** Floor of the cosine as a fraction of the base lr (HF's min_lr_rate). Default 0. */
  readonly minRatio?: number;
  /** Number of cosine periods (HF's num_cycles); 0.5 decays once from 1 to the floor. */
  readonly numCycles?: number;
}

function checkSteps(fn: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new OptimizerError(`${fn}: ${name} must be a non-negative integer, got ${value}`);
}

/** HF's warmup ramp: step / max(1, warmupSteps). */
function warmup(step: number, warmupSteps: number): number {
  return step / Math.max(1, warmupSteps);
}

/** Factor 1, after an optional linear warmup (HF get_constant_schedule[_with_warmup]). */
export function constantSchedule(opts: Partial<WarmupOptions> = {}): LRFactor {
  const warmupSteps = opts.warmupSteps ?? 0;
  checkSteps('constantSchedule', 'warmupSteps', warmupSteps);
  return (step) => (step < warmupSteps ? warmup(step, warmupSteps) : 1);
}

/**
 * Linear warmup to 1, then linear decay to 0 at `totalSteps`, 0 after (HF
 * get_linear_schedule_with_warmup): max(0, (total − step) / max(1, total − warmup)).
 */
export function linearWarmupDecay(opts: DecayOptions): LRFactor {
  const { warmupSteps, totalSteps } = opts;
  checkSteps('linearWarmupDecay', 'warmupSteps', warmupSteps);
  checkSteps('linearWarmupDecay', 'totalSteps', totalSteps);
  return (step) => (step < warmupSteps ? warmup(step, warmupSteps) : Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps)));
}

/**
 * Linear warmup to 1, then cosine decay to `minRatio` at `totalSteps` (HF
 * get_cosine_schedule_with_warmup; with minRatio, get_cosine_with_min_lr_schedule_with_warmup):
 * f = ½(1 + cos(π·numCycles·2·progress)), scaled to [minRatio, 1]. Like HF it is not clamped
 * after `totalSteps` (the cosine rises again): stop training at `totalSteps`.
 */
export function cosineWarmupDecay(opts: CosineOptions): LRFactor {
  const { warmupSteps, totalSteps } = opts;
  const minRatio = opts.minRatio ?? 0;
  const numCycles = opts.numCycles ?? 0.5;
  checkSteps('cosineWarmupDecay', 'warmupSteps', warmupSteps);
  checkSteps('cosineWarmupDecay', 'totalSteps', totalSteps);
  if (!(minRatio >= 0 && minRatio <= 1)) throw new OptimizerError(`cosineWarmupDecay: minRatio must be in [0, 1], got ${minRatio}`);
  if (!(numCycles > 0) || !Number.isFinite(numCycles)) throw new OptimizerError(`cosineWarmupDecay: numCycles must be a positive number, got ${numCycles}`);
  return (step) => {
    if (step < warmupSteps) return warmup(step, warmupSteps);
    const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    const factor = 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * progress));
    return Math.max(0, factor * (1 - minRatio) + minRatio);
  };
}

/** What a scheduler needs of an optimizer: groups whose `lr` it can set. */
export interface HasLrGroups {
  readonly groups: readonly { lr: number }[];
}

export interface LRSchedulerState {
  /** Updates taken so far (torch's last_epoch). */
  readonly step: number;
  readonly baseLrs: readonly number[];
}

/**
 * Sets each group's lr to baseLr × factor(step), as torch.optim.lr_scheduler.LambdaLR: the base
 * lrs are the groups' lrs at construction, which immediately applies factor(0). Call `step()`
 * after each `optimizer.step()`.
 */
export class LRScheduler {
  readonly #optimizer: HasLrGroups;
  readonly #factors: readonly LRFactor[];
  #baseLrs: number[];
  #step = 0;

  /** One factor for every group, or one per group (e.g. no warmup for some of them). */
  constructor(optimizer: HasLrGroups, factor: LRFactor | readonly LRFactor[]) {
    const n = optimizer.groups.length;
    if (Array.isArray(factor) && factor.length !== n) throw new OptimizerError(`LRScheduler: got ${factor.length} factor functions for ${n} parameter groups`);
    this.#optimizer = optimizer;
    this.#factors = Array.isArray(factor) ? [...(factor as readonly LRFactor[])] : Array.from({ length: n }, () => factor as LRFactor);
    this.#baseLrs = optimizer.groups.map((g) => g.lr);
    this.#apply();
  }

  /** Updates taken so far; the groups' lrs are those for update number `step`. */
  get lastStep(): number {
    return this.#step;
  }

  get baseLrs(): readonly number[] {
    return this.#baseLrs;
  }

  /** The lrs the next optimizer step will use. */
  get lrs(): number[] {
    return this.#optimizer.groups.map((g) => g.lr);
  }

  step(): void {
    this.#step++;
    this.#apply();
  }

  stateDict(): LRSchedulerState {
    return { step: this.#step, baseLrs: [...this.#baseLrs] };
  }

  loadStateDict(state: LRSchedulerState): void {
    const n = this.#optimizer.groups.length;
    if (!Number.isInteger(state?.step) || state.step < 0) throw new OptimizerError(`LRScheduler.loadStateDict(): 'step' must be a non-negative integer, got ${String(state?.step)}`);
    if (!Array.isArray(state.baseLrs) || state.baseLrs.length !== n || state.baseLrs.some((lr) => typeof lr !== 'number')) {
      throw new OptimizerError(`LRScheduler.loadStateDict(): 'baseLrs' must hold ${n} numbers (one per group), got ${JSON.stringify(state.baseLrs)}`);
    }
    this.#step = state.step;
    this.#baseLrs = [...state.baseLrs];
    this.#apply();
  }

  #apply(): void {
    this.#optimizer.groups.forEach((g, i) => {
      g.lr = this.#baseLrs[i]! * this.#factors[i]!(this.#step);
    });
  }
}
