// Save and load adapters in Hugging Face PEFT's layout (runtime-neutral: bytes in, bytes out; files
// on disk are in node.ts). What PEFT writes, read in its source at commit 5d602fdb:
// - peft/utils/save_and_load.py get_peft_model_state_dict: the adapter's tensors with the adapter
//   name removed (tuners_utils.py _remove_adapter_name_from_state_dict_key: `q.lora_A.default.weight`
//   → `q.lora_A.weight`, `ia3_l.default` → `ia3_l`), keys prefixed `base_model.model.` (the PeftModel
//   → LoraModel → model attribute path); modules_to_save as `<name>.<key>` of the wrapped module's own
//   state dict (other.py ModulesToSaveWrapper.adapter_state_dict), i.e. `base_model.model.classifier.weight`;
//   VeRA's shared projections as `base_model.vera_A` / `base_model.vera_B`.
// - peft/peft_model.py save_pretrained: safetensors with metadata {"format": "pt"}; the config with
//   inference_mode = true; adapters other than "default" in a subfolder named after them.
// - peft/config.py save_pretrained: json.dumps(to_dict(), indent=2, sort_keys=True).
import { type SafetensorsTensor, type TensorInput, loadSafetensors, serializeSafetensors, tensorToF32 } from '@webpeft/safetensors';
import type { Module } from '@webpeft/nn';
import { type Tensor, fmtShape, fromArray, noGrad, shapesEqual, tidy } from '@webpeft/tensor';
import { AdapterModel, type AdapterPlan } from './adapter-model.ts';
import { AdapterLoadError, TargetNotFoundError } from './errors.ts';
import type { FactorRecipe } from './factor-init.ts';
import type { RoleResolver } from './inject.ts';
import type { BranchEntry } from './method.ts';
import { getAdapterMethod, methodForPeftType } from './registry.ts';

export const ADAPTER_CONFIG_NAME = 'adapter_config.json';
export const ADAPTER_WEIGHTS_NAME = 'adapter_model.safetensors';
/** Key prefix of model tensors in PEFT checkpoints. */
export const PEFT_PREFIX = 'base_model.model.';
/** Version of the `webpeft` field in adapter_config.json. */
export const WEBPEFT_FORMAT = 1;

/** 'full': every tensor in the file (PEFT can load it); 'seed': frozen seeded factors stored as (init, seed) only. */
export type FrozenStorage = 'full' | 'seed';

export interface SaveAdapterOptions {
  /** Default: the active adapter. */
  readonly adapterName?: string;
  readonly frozenFactors?: FrozenStorage;
}

export interface SerializedAdapter {
  readonly config: Record<string, unknown>;
  /** adapter_config.json's text. */
  readonly configJson: string;
  /** adapter_model.safetensors' bytes. */
  readonly weights: Uint8Array;
}

/** A factor left out of the file, rebuilt from its recipe on load. */
export interface RegeneratedFactor extends FactorRecipe {
  readonly key: string;
}

interface KeyedTensor {
  readonly key: string;
  readonly tensor: Tensor;
  /** Where the loaded value goes: an entry, a shared tensor, or an owned base parameter. */
  readonly target: { kind: 'entry' | 'shared'; tensor: Tensor } | { kind: 'owned'; param: Tensor };
}

function entryKey(path: string, e: BranchEntry): string {
  return `${PEFT_PREFIX}${path}.${e.container}${e.key === null ? '' : `.${e.key}`}`;
}

function isRegenerable(e: BranchEntry): boolean {
  return !e.trainable && e.recipe !== undefined && e.recipe.init !== 'zero';
}

/** The keys of a plan (before commit): where each checkpoint tensor will live. */
function planKeys(am: AdapterModel, plan: AdapterPlan): { tensors: KeyedTensor[]; regenerable: Map<string, FactorRecipe> } {
  const tensors: KeyedTensor[] = [];
  const regenerable = new Map<string, FactorRecipe>();
  for (const [path, branch] of plan.branches) {
    for (const e of branch.entries) {
      tensors.push({ key: entryKey(path, e), tensor: e.tensor, target: { kind: 'entry', tensor: e.tensor } });
      if (isRegenerable(e)) regenerable.set(entryKey(path, e), e.recipe!);
    }
  }
  for (const [name, s] of plan.shared?.tensors ?? []) if (s.save) tensors.push({ key: `base_model.${name}`, tensor: s.tensor, target: { kind: 'shared', tensor: s.tensor } });
  const targetPaths = new Set(plan.targets.map((t) => t.path));
  const owned = new Set(plan.owned);
  for (const [key, p] of am.model.namedParameters()) {
    if (!owned.has(p)) continue;
    const cut = key.lastIndexOf('.');
    const wrapped = cut > 0 && targetPaths.has(key.slice(0, cut)) ? `${key.slice(0, cut)}.base_layer${key.slice(cut)}` : key;
    tensors.push({ key: `${PEFT_PREFIX}${wrapped}`, tensor: p, target: { kind: 'owned', param: p } });
  }
  return { tensors, regenerable };
}

/**
 * One adapter's checkpoint tensors by PEFT key (live tensors; `temporaries` are new ones to dispose)
 * and, in 'seed' mode, the factors left out.
 */
export function adapterTensors(am: AdapterModel, name: string, frozenFactors: FrozenStorage = 'full'): { tensors: Map<string, Tensor>; regenerated: RegeneratedFactor[]; temporaries: Tensor[] } {
  const info = am.adapter(name);
  const tensors = new Map<string, Tensor>();
  const regenerated: RegeneratedFactor[] = [];
  const temporaries: Tensor[] = [];
  for (const [path, layer] of am.layers()) {
    const branch = layer.branch(name);
    if (!branch) continue;
    const entries = branch.exportEntries?.() ?? branch.entries;
    for (const [i, e] of entries.entries()) {
      if (e.tensor !== branch.entries[i]?.tensor) temporaries.push(e.tensor);
      if (frozenFactors === 'seed' && isRegenerable(e)) regenerated.push({ key: entryKey(path, e), ...e.recipe! });
      else tensors.set(entryKey(path, e), e.tensor);
    }
  }
  for (const [n, s] of info.shared?.tensors ?? []) if (s.save) tensors.set(`base_model.${n}`, s.tensor);
  const owned = new Set(am.ownedParameters(name));
  for (const [key, p] of am.model.namedParameters()) if (owned.has(p)) tensors.set(`${PEFT_PREFIX}${key}`, am.ownedValue(name, p)!);
  return { tensors, regenerated, temporaries };
}

/** adapter_config.json's content for one adapter: PeftConfig's fields, the method's, and `webpeft`. */
export function adapterConfigJson(am: AdapterModel, name: string, regenerated: readonly RegeneratedFactor[] = [], frozenFactors: FrozenStorage = 'full'): Record<string, unknown> {
  const info = am.adapter(name);
  const branches = am.layers().flatMap(([, l]) => (l.branch(name) ? [l.branch(name)!] : []));
  const config = info.method.savedConfig ? info.method.savedConfig(info.config, branches) : info.config;
  // what loading re-resolves: the names the roles matched, so the role map is not needed again
  const options = { ...config, targetModules: info.targetModules, targetRoles: [] };
  return {
    // PeftConfigMixin / PeftConfig (peft/config.py); PEFT fills peft_version itself when it reads null
    task_type: config.taskType,
    peft_type: info.method.peftType,
    auto_mapping: null,
    peft_version: null,
    base_model_name_or_path: config.baseModelName ?? am.baseModelName,
    revision: null,
    inference_mode: true,
    ...info.method.toPeft({ ...config, targetModules: info.targetModules }),
    webpeft: {
      format: WEBPEFT_FORMAT,
      method: info.method.name,
      options,
      target_roles: info.config.targetRoles,
      frozen_factors: frozenFactors,
      regenerated,
      base_weights_sample: info.baseSample,
    },
  };
}

/** Python's json.dumps(obj, indent=2, sort_keys=True) (ensure_ascii escapes), as PEFT writes configs. */
export function formatPeftJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sorted(value), null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Serialize one adapter: adapter_config.json text + adapter_model.safetensors bytes. */
export async function serializeAdapter(am: AdapterModel, opts: SaveAdapterOptions = {}): Promise<SerializedAdapter> {
  const name = opts.adapterName ?? am.activeAdapter ?? 'default';
  const frozenFactors = opts.frozenFactors ?? 'full';
  const { tensors, regenerated, temporaries } = adapterTensors(am, name, frozenFactors);
  const inputs = new Map<string, TensorInput>();
  try {
    for (const [key, t] of tensors) {
      const data = await t.data();
      inputs.set(key, t.dtype === 'f64' ? { dtype: 'f64', shape: [...t.shape], data: data as Float64Array } : { dtype: 'f32', shape: [...t.shape], data: data as Float32Array });
    }
  } finally {
    for (const t of temporaries) t.dispose();
  }
  const config = adapterConfigJson(am, name, regenerated, frozenFactors);
  return { config, configJson: formatPeftJson(config), weights: serializeSafetensors(inputs, { format: 'pt' }) };
}

export interface LoadAdapterOptions {
  /** Name to load the adapter under (default 'default'). */
  readonly adapterName?: string;
  /** The model family's role map (only for configs that still name roles). */
  readonly roles?: RoleResolver;
  /** The base model's identity; must equal the file's base_model_name_or_path when both are known. */
  readonly baseModelName?: string | null;
  /** Compare the base model with the file's name and W0 sample (default true). */
  readonly checkBaseModel?: boolean;
  /** Name of the file or folder, for messages. */
  readonly source?: string;
  /** Make the loaded adapter the active one (default: only when it is the first). */
  readonly activate?: boolean;
}

function parseConfig(config: string | Readonly<Record<string, unknown>>, source: string | undefined): Record<string, unknown> {
  if (typeof config !== 'string') return { ...config };
  try {
    const parsed: unknown = JSON.parse(config);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (e) {
    throw new AdapterLoadError(`${ADAPTER_CONFIG_NAME} is not valid JSON (${(e as Error).message})`, undefined, source);
  }
  throw new AdapterLoadError(`${ADAPTER_CONFIG_NAME} must hold a JSON object`, undefined, source);
}

/** Adapter options from a config: webpeft's own field when present, else PEFT's fields through the method. */
export function optionsFromConfig(json: Readonly<Record<string, unknown>>, source?: string): Record<string, unknown> {
  const extra = json['webpeft'] as { method?: string; options?: Record<string, unknown> } | undefined;
  if (extra?.method && extra.options) return { ...extra.options, method: extra.method };
  const peftType = json['peft_type'];
  const method = typeof peftType === 'string' ? methodForPeftType(peftType) : undefined;
  if (!method) throw new AdapterLoadError(`peft_type ${JSON.stringify(peftType)} is not supported; webpeft reads LORA, VERA, IA3 and ADALORA adapters`, 'peft_type', source);
  const pick = (from: string, to: string) => (json[from] === undefined || json[from] === null ? {} : { [to]: json[from] });
  return {
    method: method.name,
    ...method.fromPeft(json),
    ...pick('target_modules', 'targetModules'),
    ...pick('exclude_modules', 'excludeModules'),
    ...pick('modules_to_save', 'modulesToSave'),
    ...pick('base_model_name_or_path', 'baseModelName'),
    ...pick('task_type', 'taskType'),
  };
}

function checkSample(saved: unknown, plan: AdapterPlan, source: string | undefined): void {
  if (!saved || typeof saved !== 'object') return;
  for (const [path, values] of Object.entries(saved as Record<string, number[]>)) {
    const now = plan.baseSample[path];
    if (!now || !Array.isArray(values)) continue;
    const scale = Math.max(1e-6, ...values.map(Math.abs));
    const i = values.findIndex((v, j) => Math.abs(v - (now[j] ?? NaN)) > 1e-2 * scale || Number.isNaN(now[j] ?? NaN));
    if (i >= 0) {
      throw new AdapterLoadError(`this is not the base model the adapter was trained on: W0 of '${path}' starts ${now.slice(0, 4).join(', ')}…, the adapter recorded ${values.slice(0, 4).join(', ')}… (pass checkBaseModel: false to load anyway)`, `${PEFT_PREFIX}${path}`, source);
    }
  }
}

function toTensor(t: SafetensorsTensor, like: Tensor, key: string, source: string | undefined): Tensor {
  let values: ArrayLike<number>;
  try {
    values = t.dtype === 'f64' ? t.data : tensorToF32(t, key, source);
  } catch (e) {
    throw new AdapterLoadError(`${key}: ${(e as Error).message}`, key, source);
  }
  return fromArray(values, like.shape, { dtype: like.dtype, backend: like.backend });
}

/**
 * Load an adapter into `target` (a plain model, or an AdapterModel to add it to). Every key and shape
 * is checked against the layers the config targets before the model is touched; the first mismatch is
 * named. Factors saved as seeds are regenerated bit for bit.
 */
export async function deserializeAdapter<M extends Module>(target: M | AdapterModel<M>, files: { readonly config: string | Readonly<Record<string, unknown>>; readonly weights: Uint8Array }, opts: LoadAdapterOptions = {}): Promise<AdapterModel<M>> {
  const source = opts.source;
  const json = parseConfig(files.config, source);
  const check = opts.checkBaseModel ?? true;
  const fileBase = json['base_model_name_or_path'];
  const am = target instanceof AdapterModel ? target : new AdapterModel(target, { ...(opts.roles && { roles: opts.roles }), baseModelName: opts.baseModelName ?? null });
  const modelBase = opts.baseModelName ?? am.baseModelName;
  if (check && typeof fileBase === 'string' && modelBase && fileBase !== modelBase) {
    throw new AdapterLoadError(`the adapter was trained on base model '${fileBase}', this model is '${modelBase}' (pass checkBaseModel: false to load anyway)`, 'base_model_name_or_path', source);
  }
  const options = optionsFromConfig(json, source);
  getAdapterMethod(String(options['method']));
  const name = opts.adapterName ?? 'default';
  let plan: AdapterPlan;
  try {
    plan = await am.plan(name, options);
  } catch (e) {
    if (e instanceof TargetNotFoundError) throw new AdapterLoadError(`the adapter does not fit this model (another base model?): ${e.message}`, undefined, source);
    throw e;
  }
  try {
    const extra = json['webpeft'] as { regenerated?: RegeneratedFactor[]; base_weights_sample?: unknown } | undefined;
    if (check) checkSample(extra?.base_weights_sample, plan, source);
    let file: Map<string, SafetensorsTensor>;
    try {
      file = loadSafetensors(files.weights, source === undefined ? {} : { name: source });
    } catch (e) {
      throw new AdapterLoadError(`${ADAPTER_WEIGHTS_NAME}: ${(e as Error).message}`, undefined, source);
    }
    const { tensors, regenerable } = planKeys(am, plan);
    const regenerated = new Map((extra?.regenerated ?? []).map((r) => [r.key, r]));
    const expected = new Set(tensors.map((t) => t.key));
    for (const { key, tensor } of tensors) {
      const saved = file.get(key);
      if (!saved) {
        const recipe = regenerated.get(key);
        const mine = regenerable.get(key);
        if (recipe && mine && recipe.init === mine.init && recipe.seed === mine.seed && shapesEqual(recipe.shape, mine.shape)) continue;
        if (recipe) throw new AdapterLoadError(`${key} was saved as a seed (${recipe.init}, seed ${recipe.seed}, ${fmtShape(recipe.shape)}) but this model would build ${mine ? `(${mine.init}, seed ${mine.seed}, ${fmtShape(mine.shape)})` : 'a trained factor'}`, key, source);
        throw new AdapterLoadError(`missing key ${key} (expected shape ${fmtShape(tensor.shape)}); the file has ${file.size} tensors`, key, source);
      }
      if (!shapesEqual(saved.shape, tensor.shape)) throw new AdapterLoadError(`${key} has shape ${fmtShape(saved.shape)}, this model needs ${fmtShape(tensor.shape)} (another base model, or another rank?)`, key, source);
    }
    const unexpected = [...file.keys()].filter((k) => !expected.has(k));
    if (unexpected.length) throw new AdapterLoadError(`unexpected key ${unexpected[0]}${unexpected.length > 1 ? ` (and ${unexpected.length - 1} more)` : ''}: the adapter holds tensors this model has no place for`, unexpected[0], source);
    const values = tensors.filter((t) => file.has(t.key)).map((t) => ({ t, value: toTensor(file.get(t.key)!, t.tensor, t.key, source) }));
    am.commit(plan);
    noGrad(() =>
      tidy(() => {
        for (const { t, value } of values) {
          if (t.target.kind === 'owned') am.setOwnedValue(name, t.target.param, value);
          else t.target.tensor.assign(value);
          value.dispose();
        }
      }),
    );
    if (opts.activate) am.setActiveAdapter(name);
    return am;
  } catch (e) {
    if (!am.adapterNames.includes(name)) am.discard(plan);
    throw e;
  }
}
