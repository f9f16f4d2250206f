// A base model with adapters injected in place (PEFT's PeftModel + BaseTuner): several named adapters,
// one active, a temporary "disabled" scope, merge into W0 and unmerge.
import type { Module } from '@webpeft/nn';
import { type Tensor, slice } from '@webpeft/tensor';
import { AdaptedLinear } from './adapted-linear.ts';
import { closestNames } from './_closest.ts';
import { AdapterConfigError, AdapterStateError, TargetNotFoundError } from './errors.ts';
import { type RoleResolver, insideModule, selectTargets, visibleModules } from './inject.ts';
import type { AdaLoraOptions } from './adalora/config.ts';
import type { FullOptions } from './full/config.ts';
import type { IA3Options } from './ia3/config.ts';
import type { LinearProbeOptions } from './linear-probe/config.ts';
import type { LoraOptions } from './lora/config.ts';
import type { AdapterBranch, AdapterMethod, CommonAdapterOptions, ResolvedAdapterConfig, SharedTensors, TargetInfo } from './method.ts';
import type { VeraOptions } from './vera/config.ts';
import { OwnedParameters } from './owned-params.ts';
import { getAdapterMethod } from './registry.ts';

export interface InjectOptions {
  /** Name of the adapter (default 'default', PEFT's). */
  readonly adapterName?: string;
  /** The model family's role map, for `targetRoles`. */
  readonly roles?: RoleResolver;
  /** Identifies the base model (PEFT's base_model_name_or_path); checked when loading. */
  readonly baseModelName?: string | null;
}

/** What one injected adapter is. */
export interface AdapterInfo {
  readonly name: string;
  readonly method: AdapterMethod<ResolvedAdapterConfig>;
  readonly config: ResolvedAdapterConfig;
  /** Paths of the layers it adapts, in model order. */
  readonly paths: readonly string[];
  /** target_modules as saved. */
  readonly targetModules: readonly string[] | string | null;
  readonly shared: SharedTensors | null;
  /** A few W0 values of the first targets at injection: loading checks them against the base model. */
  readonly baseSample: Readonly<Record<string, readonly number[]>>;
}

/** A planned adapter: everything created, nothing attached to the model yet. */
export interface AdapterPlan extends AdapterInfo {
  readonly targets: readonly TargetInfo[];
  readonly branches: ReadonlyMap<string, AdapterBranch>;
  /** Base parameters the adapter trains in full (modules_to_save, biases, all for full FT). */
  readonly owned: readonly Tensor[];
}

/** Options of any registered method: a built-in's typed options, or any method's plain object. */
export type AdapterOptions = LoraOptions | VeraOptions | IA3Options | AdaLoraOptions | LinearProbeOptions | FullOptions | (CommonAdapterOptions & Readonly<Record<string, unknown>>);

const SAMPLE_TARGETS = 4;
const SAMPLE_VALUES = 8;

export class AdapterModel<M extends Module = Module> {
  readonly model: M;
  readonly roles: RoleResolver | undefined;
  readonly baseModelName: string | null;
  readonly #adapters = new Map<string, AdapterInfo>();
  readonly #owned = new OwnedParameters();
  #active: string | null = null;
  #disabled = false;
  #merged: string[] = [];

  constructor(model: M, opts: Omit<InjectOptions, 'adapterName'> = {}) {
    this.model = model;
    this.roles = opts.roles;
    this.baseModelName = opts.baseModelName ?? null;
  }

  get adapterNames(): string[] {
    return [...this.#adapters.keys()];
  }

  get activeAdapter(): string | null {
    return this.#active;
  }

  get disabled(): boolean {
    return this.#disabled;
  }

  get mergedAdapters(): readonly string[] {
    return [...this.#merged];
  }

  adapter(name: string): AdapterInfo {
    const a = this.#adapters.get(name);
    if (!a) throw new AdapterStateError(`no adapter named '${name}'; this model has ${this.adapterNames.map((n) => `'${n}'`).join(', ') || 'none'}`);
    return a;
  }

  /** Adapted layers by path. */
  layers(): [string, AdaptedLinear][] {
    return visibleModules(this.model).filter((e): e is [string, AdaptedLinear] => e[1] instanceof AdaptedLinear);
  }

  /** Base parameters `name` trains in full. */
  ownedParameters(name: string): Tensor[] {
    return this.#owned.owned(name);
  }

  /** `name`'s value of an owned parameter (the live tensor when `name` is active). */
  ownedValue(name: string, param: Tensor): Tensor | undefined {
    return this.#owned.valueFor(name, param);
  }

  /** @internal used by loading. */
  setOwnedValue(name: string, param: Tensor, value: Tensor): void {
    this.#owned.setValue(name, param, value);
  }

  /** Validate options, pick targets and create every tensor of a new adapter; the model is not changed. */
  async plan(name: string, adapterOptions: AdapterOptions): Promise<AdapterPlan> {
    const options = adapterOptions as Readonly<Record<string, unknown>>;
    if (typeof name !== 'string' || name === '' || name.includes('.')) throw new AdapterConfigError(`adapter name ${JSON.stringify(name)} is invalid: names must be non-empty and contain no '.'`);
    if (this.#adapters.has(name)) throw new AdapterStateError(`an adapter named '${name}' already exists; pick another name or removeAdapter('${name}') first`);
    const methodName = options['method'] ?? 'lora';
    if (typeof methodName !== 'string') throw new AdapterConfigError(`method must be a string, got ${JSON.stringify(methodName)}`);
    const method = getAdapterMethod(methodName);
    if (method.wrapsLayers && !method.createBranch) throw new AdapterConfigError(`adapter method '${method.name}' wraps layers but defines no createBranch`);
    const resolved = method.resolve({ ...options, method: methodName });
    const selection = method.wrapsLayers ? selectTargets(this.model, resolved, this.roles) : { targets: [], targetModules: resolved.targetModules };
    const config = method.finalize ? method.finalize(resolved, { targets: selection.targets, roles: this.roles }) : resolved;
    if (method.wrapsLayers && selection.targets.length === 0) {
      throw new AdapterConfigError(`${config.method}: no target layers; give targetModules (names, suffixes or a regex) or targetRoles`);
    }
    for (const t of selection.targets) method.checkTarget?.(config, t);
    const owned = this.#ownedFor(method, config, selection.targets);
    const first = selection.targets[0]?.base.weight ?? [...this.model.parameters()][0];
    const dtype = first?.dtype === 'f64' ? 'f64' : 'f32';
    const backend = first?.backend;
    const baseSample = await this.#sample(selection.targets);
    const shared = backend && method.prepare ? method.prepare(config, selection.targets, { dtype, backend }) : null;
    const branches = new Map<string, AdapterBranch>();
    try {
      for (const target of selection.targets) {
        const weight = method.needsWeight?.(config) ? Float64Array.from(await target.base.weight.data()) : null;
        const branch = method.createBranch!({ adapterName: name, config, target, shared, dtype, backend: target.base.weight.backend, weight: weight && (() => weight) });
        branches.set(target.path, branch);
      }
    } catch (e) {
      for (const b of branches.values()) disposeBranch(b);
      for (const s of shared?.tensors.values() ?? []) s.tensor.dispose();
      throw e;
    }
    return { name, method, config, paths: selection.targets.map((t) => t.path), targetModules: selection.targetModules, shared, baseSample, targets: selection.targets, branches, owned };
  }

  /** Drop a plan that will not be committed. */
  discard(plan: AdapterPlan): void {
    for (const b of plan.branches.values()) disposeBranch(b);
    for (const s of plan.shared?.tensors.values() ?? []) s.tensor.dispose();
  }

  /** Attach a planned adapter: wrap its targets, freeze the base model, activate it if it is the first. */
  commit(plan: AdapterPlan): void {
    if (this.#merged.length) throw new AdapterStateError(`cannot add adapter '${plan.name}' while ${this.#merged.join(', ')} is merged; unmerge() first`);
    if (this.#adapters.size === 0) this.model.freeze(); // PEFT's _mark_only_adapters_as_trainable
    for (const target of plan.targets) {
      let layer = this.model.getSubmodule(target.path);
      if (!(layer instanceof AdaptedLinear)) {
        layer = new AdaptedLinear(target.base);
        this.model.setSubmodule(target.path, layer);
      }
      (layer as AdaptedLinear).addBranch(plan.branches.get(target.path)!);
    }
    this.#owned.claim(plan.name, plan.owned);
    const { targets: _t, branches: _b, owned: _o, ...info } = plan;
    this.#adapters.set(plan.name, info);
    this.#setActive(this.#active ?? plan.name);
  }

  /** Plan and commit a new adapter. The first adapter becomes active; later ones wait for setActiveAdapter. */
  async addAdapter(name: string, options: AdapterOptions): Promise<AdapterInfo> {
    this.commit(await this.plan(name, options));
    return this.adapter(name);
  }

  /** Make `name` the adapter used by forward passes and the one whose factors train. */
  setActiveAdapter(name: string): void {
    this.adapter(name);
    if (this.#merged.length && !this.#merged.includes(name)) throw new AdapterStateError(`cannot switch to '${name}' while ${this.#merged.join(', ')} is merged into W0; unmerge() first`);
    this.#setActive(name);
  }

  #setActive(name: string | null): void {
    this.#active = name;
    const live = this.#disabled ? null : name;
    for (const [, layer] of this.layers()) {
      layer.active = name;
      layer.disabled = this.#disabled;
      for (const n of layer.adapterNames) {
        for (const e of layer.branch(n)!.entries) e.tensor.requiresGrad = live === n && e.trainable && this.#merged.length === 0;
      }
    }
    const owned = this.#owned.activate(live);
    for (const n of this.#adapters.keys()) for (const p of this.#owned.owned(n)) p.requiresGrad = owned.has(p);
  }

  /** Run `fn` on the base model alone (adapters and owned parameters set aside), then restore. Merged adapters are unmerged for the call. */
  withAdaptersDisabled<T>(fn: () => T): T {
    if (this.#disabled) return fn();
    const merged = [...this.#merged];
    this.unmerge();
    this.#disabled = true;
    this.#setActive(this.#active);
    const restore = () => {
      this.#disabled = false;
      this.#setActive(this.#active);
      for (const n of merged) this.merge(n);
    };
    let result: T;
    try {
      result = fn();
    } catch (e) {
      restore();
      throw e;
    }
    if (result instanceof Promise) return result.finally(restore) as unknown as T;
    restore();
    return result;
  }

  /** Fold `name` (default: the active adapter) into W0 of every layer it adapts; forward passes then use W0 alone. */
  merge(name: string | null = this.#active): void {
    if (name === null) throw new AdapterStateError('merge: no active adapter');
    this.adapter(name);
    if (this.#disabled) throw new AdapterStateError('merge: adapters are disabled in this scope');
    if (this.#merged.includes(name)) throw new AdapterStateError(`adapter '${name}' is already merged`);
    for (const [, layer] of this.layers()) if (layer.branch(name)) layer.merge(name);
    this.#merged.push(name);
    this.#setActive(this.#active);
  }

  /** Subtract every merged adapter from W0 again (within float rounding). */
  unmerge(): void {
    if (!this.#merged.length) return;
    for (const [, layer] of this.layers()) layer.unmerge();
    this.#merged = [];
    this.#setActive(this.#active);
  }

  /** Merge the active adapter and put plain Linear layers back: the result has no adapter left. */
  mergeAndUnload(): M {
    if (this.#active !== null && !this.#merged.includes(this.#active)) this.merge(this.#active);
    for (const [path, layer] of this.layers()) {
      for (const n of layer.adapterNames) layer.disposeBranch(n);
      layer.merged.length = 0;
      this.model.setSubmodule(path, layer.base);
    }
    this.#owned.releaseAll(); // the active adapter's trained values stay in the model
    this.#adapters.clear();
    this.#merged = [];
    this.#active = null;
    return this.model;
  }

  /** Remove an adapter: its branches, shared tensors and owned values go; layers left without adapters become plain Linear again. */
  removeAdapter(name: string): void {
    const info = this.adapter(name);
    if (this.#merged.includes(name)) throw new AdapterStateError(`cannot remove '${name}' while it is merged; unmerge() first`);
    for (const [path, layer] of this.layers()) {
      if (!layer.branch(name)) continue;
      layer.disposeBranch(name);
      const rest = layer.without(name);
      this.model.setSubmodule(path, rest.adapterNames.length ? rest : layer.base);
    }
    for (const s of info.shared?.tensors.values() ?? []) s.tensor.dispose();
    this.#owned.release(name);
    this.#adapters.delete(name);
    this.#setActive(this.#active === name ? (this.adapterNames[0] ?? null) : this.#active);
  }

  /** Release the model, every adapter's tensors, shared projections and saved head values. */
  dispose(): void {
    for (const info of this.#adapters.values()) for (const s of info.shared?.tensors.values() ?? []) s.tensor.dispose();
    this.#owned.releaseAll();
    this.model.dispose();
    this.#adapters.clear();
    this.#active = null;
  }

  #ownedFor(method: AdapterMethod<ResolvedAdapterConfig>, config: ResolvedAdapterConfig, targets: readonly TargetInfo[]): Tensor[] {
    const entries = new Set<Tensor>();
    for (const [, layer] of this.layers()) for (const n of layer.adapterNames) for (const e of layer.branch(n)!.entries) entries.add(e.tensor);
    const base = [...this.model.namedParameters()].filter(([, p]) => !entries.has(p));
    if (method.ownsAllParameters) return base.map(([, p]) => p);
    const owned = new Set<Tensor>();
    const paths = visibleModules(this.model).map(([p]) => p);
    for (const m of config.modulesToSave) {
      const hits = base.filter(([key]) => insideModule(m, key.slice(0, key.lastIndexOf('.'))) || insideModule(m, key));
      if (!hits.length) throw new TargetNotFoundError(m, closestNames(m, paths), ' (modulesToSave)');
      for (const [key, p] of hits) {
        if (targets.some((t) => key.startsWith(`${t.path}.`))) throw new AdapterConfigError(`${config.method}: conflicting options: '${m}' is both a target and in modulesToSave`);
        owned.add(p);
      }
    }
    if (config.bias === 'all') for (const [key, p] of base) if (key === 'bias' || key.endsWith('.bias')) owned.add(p);
    if (config.bias === 'lora_only') for (const t of targets) if (t.base.bias) owned.add(t.base.bias);
    return [...owned];
  }

  async #sample(targets: readonly TargetInfo[]): Promise<Record<string, number[]>> {
    const out: Record<string, number[]> = {};
    for (const t of targets.slice(0, SAMPLE_TARGETS)) {
      const row = slice(t.base.weight, [0, 0], [1, Math.min(SAMPLE_VALUES, t.inFeatures)]);
      out[t.path] = Array.from(await row.data(), (v) => Number(v.toPrecision(7)));
      row.dispose();
    }
    return out;
  }
}

function disposeBranch(b: AdapterBranch): void {
  for (const e of b.entries) e.tensor.dispose();
  b.dispose?.();
}

/** Inject an adapter into `model` (in place) and return the controller: `await injectAdapter(model, { method: 'b-only', r: 16, targetModules: ['q_proj', 'v_proj'] })`. */
export async function injectAdapter<M extends Module>(model: M, options: AdapterOptions, opts: InjectOptions = {}): Promise<AdapterModel<M>> {
  const am = new AdapterModel(model, opts);
  await am.addAdapter(opts.adapterName ?? 'default', options);
  return am;
}
