// Parameter groups: each group carries its own hyperparameters (lr, weight decay, ...), as in
// torch.optim. `loraPlusGroups` builds the two groups of LoRA+ (Hayou et al., 2024).
import { Tensor, isFloat } from '@webpeft/tensor';
import { OptimizerError } from './errors.ts';

/** Hyperparameters every optimizer has; each group may override them. */
export interface BaseHyperparameters {
  lr: number;
  weightDecay: number;
}

/** A group as passed to an optimizer: its parameters plus any hyperparameters that differ from the defaults. */
export type ParamGroupSpec<H = BaseHyperparameters> = { readonly params: readonly Tensor[]; readonly name?: string } & { readonly [K in keyof H]?: H[K] };

/** A group inside an optimizer: every hyperparameter resolved. `lr` may be changed between steps (schedulers do). */
export type ParamGroup<H = BaseHyperparameters> = H & { readonly params: readonly Tensor[]; readonly name?: string };

/** What optimizers accept: a flat list of parameters (one group) or a list of groups. */
export type ParamsInput<H = BaseHyperparameters> = readonly Tensor[] | readonly ParamGroupSpec<H>[];

/** `group 1 ('lora_B')`: how errors name a group. */
export function describeGroup(index: number, name: string | undefined): string {
  return `group ${index}${name === undefined ? '' : ` ('${name}')`}`;
}

/**
 * Resolve groups against the defaults. Rejects unknown option names (a `weight_decay` typo from
 * PyTorch code would otherwise be ignored), non-float or disposed tensors, and a parameter that
 * appears twice (torch: "some parameters appear in more than one parameter group").
 */
export function resolveGroups<H extends BaseHyperparameters>(optimizer: string, input: ParamsInput<H>, defaults: H): ParamGroup<H>[] {
  if (!Array.isArray(input)) throw new OptimizerError(`${optimizer}: expected an array of tensors or of parameter groups, got ${typeof input}`);
  if (input.length === 0) throw new OptimizerError(`${optimizer}: got an empty parameter list`);
  const specs: readonly ParamGroupSpec<H>[] = input[0] instanceof Tensor ? [{ params: input as readonly Tensor[] } as ParamGroupSpec<H>] : (input as readonly ParamGroupSpec<H>[]);
  const hyperKeys = Object.keys(defaults);
  const seen = new Map<Tensor, string>();
  const groups = specs.map((spec, gi) => {
    if (spec instanceof Tensor || typeof spec !== 'object' || spec === null || !Array.isArray(spec.params)) {
      throw new OptimizerError(`${optimizer}: element ${gi} is not a parameter group { params: Tensor[], ... } (do not mix tensors and groups)`);
    }
    const where = describeGroup(gi, spec.name);
    const group: Record<string, unknown> = { ...(defaults as object) };
    for (const [key, value] of Object.entries(spec)) {
      if (key === 'params' || key === 'name' || value === undefined) continue;
      if (!hyperKeys.includes(key)) throw new OptimizerError(`${optimizer}: ${where} has unknown option '${key}' (expected one of ${hyperKeys.join(', ')})`);
      group[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
    spec.params.forEach((p, pi) => {
      if (!(p instanceof Tensor)) throw new OptimizerError(`${optimizer}: ${where}, parameter ${pi} is not a Tensor`);
      if (p.isDisposed) throw new OptimizerError(`${optimizer}: ${where}, parameter ${pi} (${p.describe()}) is disposed`);
      if (!isFloat(p.dtype)) throw new OptimizerError(`${optimizer}: ${where}, parameter ${pi} (${p.describe()}) is not floating point (f32 or f64 expected)`);
      const other = seen.get(p);
      if (other !== undefined) throw new OptimizerError(`${optimizer}: ${p.describe()} appears twice (${other} and ${where}, parameter ${pi}); a parameter belongs to one group`);
      seen.set(p, `${where}, parameter ${pi}`);
    });
    group.params = [...spec.params];
    if (spec.name !== undefined) group.name = spec.name;
    return group as unknown as ParamGroup<H>;
  });
  return groups;
}

export interface LoraPlusOptions {
  /** Learning rate of A (and of every other trainable parameter). */
  readonly lr: number;
  /** λ = η_B / η_A: B's learning rate is `lr · ratio` (LoRA+ recommends 2⁴ = 16 as a start). */
  readonly ratio: number;
  /** Weight decay of both groups (optimizer default when left out). */
  readonly weightDecay?: number;
}

/** Names LoRA+ treats as B factors: `...lora_B...` (PEFT naming) or ending in `.B`. */
export const LORA_B_PATTERN = /lora_B|\.B$/;

/**
 * LoRA+ (Hayou et al., 2024, §4): B learns `ratio` times faster than A. Splits trainable named
 * parameters into `{ name: 'lora_B', lr: lr·ratio }` and `{ name: 'rest', lr }`. Frozen parameters
 * (`requiresGrad = false`) are left out, as in PEFT's create_loraplus_optimizer; empty groups too.
 */
export function loraPlusGroups(namedParams: Iterable<readonly [string, Tensor]> | Readonly<Record<string, Tensor>>, opts: LoraPlusOptions): ParamGroupSpec[] {
  if (!(opts.lr >= 0)) throw new OptimizerError(`loraPlusGroups: lr must be ≥ 0, got ${opts.lr}`);
  if (!(opts.ratio > 0) || !Number.isFinite(opts.ratio)) throw new OptimizerError(`loraPlusGroups: ratio (η_B / η_A) must be a positive number, got ${opts.ratio}`);
  const entries = Symbol.iterator in namedParams ? [...(namedParams as Iterable<readonly [string, Tensor]>)] : Object.entries(namedParams as Readonly<Record<string, Tensor>>);
  const loraB: Tensor[] = [];
  const rest: Tensor[] = [];
  for (const [name, p] of entries) {
    if (!(p instanceof Tensor)) throw new OptimizerError(`loraPlusGroups: '${name}' is not a Tensor`);
    if (!p.requiresGrad) continue;
    (LORA_B_PATTERN.test(name) ? loraB : rest).push(p);
  }
  const decay = opts.weightDecay === undefined ? {} : { weightDecay: opts.weightDecay };
  const groups: ParamGroupSpec[] = [];
  if (loraB.length > 0) groups.push({ name: 'lora_B', params: loraB, lr: opts.lr * opts.ratio, ...decay });
  if (rest.length > 0) groups.push({ name: 'rest', params: rest, lr: opts.lr, ...decay });
  if (groups.length === 0) throw new OptimizerError('loraPlusGroups: no trainable parameters (every tensor has requiresGrad = false)');
  return groups;
}

/** Options without the keys set to undefined (so they do not override defaults). */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
