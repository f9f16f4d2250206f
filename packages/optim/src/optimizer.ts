// The optimizer base: groups, lazily created per-parameter state, step/zeroGrad, and a state
// dict a trainer can checkpoint. Subclasses only say how one parameter is updated.
import { Tensor, cast, isFloat, keep, noGrad, tidy } from '@webpeft/tensor';
import { OptimizerError, StateDictError } from './errors.ts';
import { type BaseHyperparameters, type ParamGroup, type ParamsInput, describeGroup, resolveGroups } from './groups.ts';

/** One parameter's optimizer state: how many updates it has had (torch's per-parameter `step`) and its buffers. */
export interface ParamState {
  step: number;
  /** Buffers under PyTorch's names (`exp_avg`, `momentum_buffer`, ...), same shape and dtype as the parameter. */
  readonly buffers: Record<string, Tensor>;
}

/** A group in a state dict: its hyperparameters and the indices of its parameters. */
export type GroupStateDict<H = BaseHyperparameters> = H & { readonly params: readonly number[]; readonly name?: string };

/**
 * What `stateDict()` returns. Parameters are numbered across groups in order, as in torch.
 * Everything but the tensors in `state` is plain JSON.
 */
export interface OptimizerStateDict<H = BaseHyperparameters> {
  /** Which optimizer wrote it ('AdamW', 'SGD'). */
  readonly optimizer: string;
  /** Number of `step()` calls. */
  readonly step: number;
  readonly groups: readonly GroupStateDict<H>[];
  /** Per parameter index: its state tensors. Parameters that never had a gradient have no entry. */
  readonly state: Readonly<Record<number, Readonly<Record<string, Tensor>>>>;
  /** Per parameter index: its update count (bias correction in AdamW); the same keys as `state`. */
  readonly paramSteps: Readonly<Record<number, number>>;
}

export abstract class Optimizer<H extends BaseHyperparameters = BaseHyperparameters> {
  /** Name written into state dicts and error messages. */
  abstract readonly kind: string;
  readonly groups: readonly ParamGroup<H>[];
  readonly #hyperKeys: readonly string[];
  readonly #state = new Map<Tensor, ParamState>();
  #steps = 0;
  #disposed = false;

  protected constructor(kind: string, params: ParamsInput<H>, defaults: H) {
    this.#hyperKeys = Object.keys(defaults);
    this.groups = resolveGroups(kind, params, defaults);
    this.groups.forEach((g, i) => this.validate(g, `${kind}: ${describeGroup(i, g.name)}`));
  }

  /** Throw an OptimizerError for bad hyperparameters; `where` names the optimizer and group. */
  protected abstract validate(h: H, where: string): void;
  /** Buffers a parameter's state needs when it is created (e.g. zeros for AdamW's moments). */
  protected abstract initState(param: Tensor, h: H): Record<string, Tensor>;
  /** Buffers a parameter with state must have under `h` (checked when loading a state dict). */
  protected abstract stateKeys(h: H): readonly string[];
  /** Buffers it may have in addition (created lazily). */
  protected optionalStateKeys(_h: H): readonly string[] {
    return [];
  }
  /**
   * Update one parameter in place (`param.assign`), inside `noGrad` and `tidy`; `state.step` is
   * already incremented. Must not read values back to the host (WebGPU cannot do it synchronously).
   */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, h: H): void;

  /** Learning rate of each group. */
  get lrs(): number[] {
    return this.groups.map((g) => g.lr);
  }

  /** Number of `step()` calls so far. */
  get stepCount(): number {
    return this.#steps;
  }

  /** Every parameter, across groups, in state-dict index order. */
  get params(): Tensor[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** A parameter's state buffers, or undefined when it has none (frozen, or never had a gradient). */
  stateOf(param: Tensor): Readonly<Record<string, Tensor>> | undefined {
    return this.#state.get(param)?.buffers;
  }

  /**
   * One update of every parameter that has a gradient. Parameters with `requiresGrad = false` or
   * `grad === null` are skipped and get no state (torch does the same for `grad is None`).
   */
  step(): void {
    this.#checkLive('step()');
    for (const group of this.groups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (!param.requiresGrad || grad === null) continue;
        if (grad.dtype !== param.dtype || grad.shape.length !== param.shape.length || grad.shape.some((d, i) => d !== param.shape[i])) {
          throw new OptimizerError(`${this.kind}.step(): the gradient ${grad.describe()} does not match ${param.describe()}`);
        }
        let state = this.#state.get(param);
        if (!state) {
          state = { step: 0, buffers: noGrad(() => tidy(() => this.initState(param, group))) };
          for (const t of Object.values(state.buffers)) keep(t);
          this.#state.set(param, state);
        }
        state.step++;
        const s = state;
        noGrad(() => tidy(() => this.update(param, grad, s, group)));
      }
    }
    this.#steps++;
  }

  /** Dispose every gradient and set it to null (torch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const group of this.groups) {
      for (const p of group.params) {
        if (p.grad) {
          p.grad.dispose();
          p.grad = null;
        }
      }
    }
  }

  /**
   * The optimizer's state for checkpointing. The tensors are the optimizer's own (not copies, as in
   * torch): read them before the next `step()` and do not dispose them.
   */
  stateDict(): OptimizerStateDict<H> {
    this.#checkLive('stateDict()');
    const index = new Map<Tensor, number>();
    const groups = this.groups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const k of this.#hyperKeys) {
        const v = (g as unknown as Record<string, unknown>)[k];
        out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
      }
      if (g.name !== undefined) out.name = g.name;
      out.params = g.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return out as unknown as GroupStateDict<H>;
    });
    const state: Record<number, Record<string, Tensor>> = {};
    const paramSteps: Record<number, number> = {};
    for (const [p, s] of this.#state) {
      const i = index.get(p)!;
      state[i] = { ...s.buffers };
      paramSteps[i] = s.step;
    }
    return { optimizer: this.kind, step: this.#steps, groups, state, paramSteps };
  }

  /**
   * Restore a state dict written by `stateDict()` of the same optimizer over parameters of the same
   * shapes. Hyperparameters (lr included) come from the dict; state tensors are copied (cheap:
   * storage is shared until the next update) and cast to the parameter's dtype, as torch does.
   * Validates everything before changing anything.
   */
  loadStateDict(dict: OptimizerStateDict<H>): void {
    this.#checkLive('loadStateDict()');
    const where = `${this.kind}.loadStateDict()`;
    if (dict === null || typeof dict !== 'object') throw new StateDictError(`${where}: expected a state dict object, got ${dict === null ? 'null' : typeof dict}`);
    if (dict.optimizer !== this.kind) throw new StateDictError(`${where}: the state dict was written by ${String(dict.optimizer)}, not ${this.kind}`);
    if (!Number.isInteger(dict.step) || dict.step < 0) throw new StateDictError(`${where}: 'step' must be a non-negative integer, got ${String(dict.step)}`);
    if (!Array.isArray(dict.groups) || dict.groups.length !== this.groups.length) {
      throw new StateDictError(`${where}: the state dict has ${Array.isArray(dict.groups) ? dict.groups.length : 'no'} parameter groups, this optimizer has ${this.groups.length}`);
    }
    const params: Tensor[] = [];
    const hypers = dict.groups.map((saved, gi) => {
      const group = this.groups[gi]!;
      const at = `${where}: ${describeGroup(gi, group.name)}`;
      if (saved.name !== group.name) throw new StateDictError(`${at} is named ${JSON.stringify(saved.name)} in the state dict`);
      if (!Array.isArray(saved.params) || saved.params.length !== group.params.length) {
        throw new StateDictError(`${at} has ${group.params.length} parameters, the state dict's has ${Array.isArray(saved.params) ? saved.params.length : 'none'}`);
      }
      (saved.params as readonly unknown[]).forEach((idx, j) => {
        if (idx !== params.length + j) throw new StateDictError(`${at}: parameter ${j} has index ${String(idx)} in the state dict, expected ${params.length + j} (parameters are numbered across groups in order)`);
      });
      params.push(...group.params);
      const keys = Object.keys(saved).filter((k) => k !== 'params' && k !== 'name');
      const missing = this.#hyperKeys.filter((k) => !keys.includes(k));
      const extra = keys.filter((k) => !this.#hyperKeys.includes(k));
      if (missing.length || extra.length) throw new StateDictError(`${at}: hyperparameters differ (missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'})`);
      const hyper: Record<string, unknown> = {};
      for (const k of this.#hyperKeys) {
        const mine = (group as unknown as Record<string, unknown>)[k];
        const theirs = (saved as Record<string, unknown>)[k];
        if (typeof mine !== typeof theirs || Array.isArray(mine) !== Array.isArray(theirs)) throw new StateDictError(`${at}: hyperparameter '${k}' is ${JSON.stringify(theirs)}, expected a value like ${JSON.stringify(mine)}`);
        hyper[k] = Array.isArray(theirs) ? [...(theirs as unknown[])] : theirs;
      }
      try {
        this.validate(hyper as H, at);
      } catch (e) {
        throw e instanceof OptimizerError ? new StateDictError(e.message) : e;
      }
      return hyper as H;
    });
    if (typeof dict.state !== 'object' || dict.state === null) throw new StateDictError(`${where}: 'state' must be an object of per-parameter tensors`);
    const groupOf = new Map<Tensor, H>();
    this.groups.forEach((g, gi) => {
      for (const p of g.params) groupOf.set(p, hypers[gi]!);
    });
    const loaded = new Map<Tensor, ParamState>();
    try {
      for (const [key, buffers] of Object.entries(dict.state)) {
        const i = Number(key);
        const param = params[i];
        if (!Number.isInteger(i) || param === undefined) throw new StateDictError(`${where}: state entry '${key}' names no parameter (there are ${params.length})`);
        const hyper = groupOf.get(param)!;
        const step = dict.paramSteps?.[i];
        if (!Number.isInteger(step) || step! < 1) throw new StateDictError(`${where}: paramSteps[${i}] must be a positive integer for a parameter with state, got ${String(step)}`);
        const required = this.stateKeys(hyper);
        const allowed = [...required, ...this.optionalStateKeys(hyper)];
        const names = Object.keys(buffers);
        const missing = required.filter((k) => !names.includes(k));
        const extra = names.filter((k) => !allowed.includes(k));
        if (missing.length || extra.length) throw new StateDictError(`${where}: state of parameter ${i} (${param.describe()}) has buffers [${names.join(', ')}]; missing: ${missing.join(', ') || 'none'}; unknown: ${extra.join(', ') || 'none'}`);
        const copies: Record<string, Tensor> = {};
        loaded.set(param, { step: step!, buffers: copies });
        for (const name of names) copies[name] = copyState(buffers[name]!, param, `${where}: state[${i}].${name}`);
      }
      for (const k of Object.keys(dict.paramSteps ?? {})) {
        if (!(k in dict.state)) throw new StateDictError(`${where}: paramSteps has an entry for parameter ${k}, which has no state`);
      }
    } catch (e) {
      for (const s of loaded.values()) for (const t of Object.values(s.buffers)) t.dispose();
      throw e;
    }
    this.#disposeState();
    for (const [p, s] of loaded) this.#state.set(p, s);
    this.groups.forEach((g, gi) => Object.assign(g, hypers[gi]));
    this.#steps = dict.step;
  }

  /** Release every state tensor. The optimizer cannot be stepped afterwards. Idempotent. */
  dispose(): void {
    this.#disposeState();
    this.#disposed = true;
  }

  #disposeState(): void {
    for (const s of this.#state.values()) for (const t of Object.values(s.buffers)) t.dispose();
    this.#state.clear();
  }

  #checkLive(what: string): void {
    if (this.#disposed) throw new OptimizerError(`${this.kind}.${what} after dispose()`);
  }
}

/** A kept copy of a loaded state tensor, checked against its parameter and cast to its dtype. */
function copyState(t: unknown, param: Tensor, where: string): Tensor {
  if (!(t instanceof Tensor)) throw new StateDictError(`${where} is not a Tensor`);
  const src = t;
  if (src.isDisposed) throw new StateDictError(`${where} (${src.describe()}) is disposed`);
  if (src.shape.length !== param.shape.length || src.shape.some((d, i) => d !== param.shape[i])) throw new StateDictError(`${where} is ${src.describe()}, expected the shape of ${param.describe()}`);
  if (!isFloat(src.dtype)) throw new StateDictError(`${where} is ${src.describe()}, expected a floating-point tensor`);
  if (src.backend !== param.backend) throw new StateDictError(`${where} lives on backend '${src.backend.name}', ${param.describe()} on '${param.backend.name}'`);
  return keep(src.dtype === param.dtype ? src.detach() : noGrad(() => cast(src, param.dtype)));
}
