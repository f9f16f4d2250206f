// What every model family provides: a config parser, a model whose module names are the
// checkpoint keys, the load-boundary rules for its checkpoints, and adapter target roles.
import type { Module, ModuleOptions } from '@webpeft/nn';
import type { JsonObject } from './_config.ts';

/** Adapter target roles (attention projections and MLP layers). */
export type Role = 'q' | 'k' | 'v' | 'o' | 'fc1' | 'fc2' | 'gate' | 'up' | 'down';

export const ROLES: readonly Role[] = ['q', 'k', 'v', 'o', 'fc1', 'fc2', 'gate', 'up', 'down'];

/** Role → regular-expression sources matched against whole module names (`namedModules()` paths). */
export type RoleMap = Readonly<Partial<Record<Role, readonly string[]>>>;

/**
 * How checkpoint keys relate to module names. Module names are the keys; these are the only
 * exceptions, all applied while loading (the transformers.js / nanoGPT rule).
 */
export interface CheckpointSpec {
  /** Prefix of the base model (`roberta`, `vit`, `model`); checkpoints of the bare base model lack it. */
  readonly basePrefix: string;
  /** Key prefixes of task heads that may be absent (then freshly initialised and reported, as in transformers). */
  readonly headPrefixes: readonly string[];
  /** Tied weights: alias key → the key whose tensor it shares (saved once, filled from the source on load). */
  readonly tied: Readonly<Record<string, string>>;
  /** Checkpoint keys dropped without notice (buffers transformers stores but recomputes, e.g. `rotary_emb.inv_freq`). */
  readonly ignore: readonly RegExp[];
}

/** A model built from a Hugging Face config. */
export interface PretrainedModel extends Module {
  readonly modelType: string;
  readonly checkpoint: CheckpointSpec;
  /** The config.json this model saves (the parsed config plus the original fields it did not interpret). */
  configJson(): JsonObject;
}

/** A model family: `model_type` in config.json selects it. */
export interface ModelFamily<C, M extends PretrainedModel> {
  readonly modelType: string;
  readonly roles: RoleMap;
  parseConfig(json: unknown, file?: string): C;
  create(config: C, opts?: ModuleOptions): M;
}

/** Module names of `model` that play `role` (empty when the family has no such layer). */
export function modulesForRole(model: Module, roles: RoleMap, role: Role): string[] {
  const patterns = (roles[role] ?? []).map((p) => new RegExp(p));
  const out: string[] = [];
  for (const [name] of model.namedModules()) if (patterns.some((p) => p.test(name))) out.push(name);
  return out;
}
