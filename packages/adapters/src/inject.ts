// Which layers an adapter goes into: PEFT's matching rules (check_target_module_exists in
// peft/tuners/tuners_utils.py: a list entry matches a path exactly or as a dotted suffix, a string
// is a regex that must match the whole path) plus roles resolved through the model family's targets.
import { Linear, type Module } from '@webpeft/nn';
import { closestNames, closestToRegex } from './_closest.ts';
import { AdaptedLinear } from './adapted-linear.ts';
import { AdapterConfigError, TargetNotFoundError } from './errors.ts';
import type { ResolvedAdapterConfig, TargetInfo } from './method.ts';

/** The roles adapters target across model families (the paper adapts q/v, q/k/v, or every projection). */
export const STANDARD_ROLES: readonly string[] = ['q', 'k', 'v', 'o', 'fc1', 'fc2', 'gate', 'up', 'down'];

/** Role → module names (exact or suffix): a model family's `targets.ts`, or an object that resolves roles. */
export type RoleResolver = Readonly<Record<string, readonly string[]>> | { resolve(role: string): readonly string[] | undefined };

/** Roles of @webpeft/nn's default child names (MultiHeadAttention, MLP, GatedMLP). */
export const NN_ROLES: Readonly<Record<string, readonly string[]>> = {
  q: ['q_proj'],
  k: ['k_proj'],
  v: ['v_proj'],
  o: ['o_proj'],
  fc1: ['fc1'],
  fc2: ['fc2'],
  gate: ['gate_proj'],
  up: ['up_proj'],
  down: ['down_proj'],
};

/** PEFT's shorthand for every Linear layer except the ones saved in full. */
export const ALL_LINEAR = 'all-linear';

export function resolveRole(roles: RoleResolver, role: string): readonly string[] {
  const names = typeof roles.resolve === 'function' ? (roles as { resolve(role: string): readonly string[] | undefined }).resolve(role) : (roles as Readonly<Record<string, readonly string[]>>)[role];
  if (!names || names.length === 0) {
    const known = typeof roles.resolve === 'function' ? STANDARD_ROLES : Object.keys(roles);
    throw new AdapterConfigError(`role '${role}' is not defined by this model family's targets (known roles: ${known.join(', ')})`);
  }
  return names;
}

/** PEFT's rule for a list entry: the path itself or a dotted suffix of it. */
export function matchesName(name: string, path: string): boolean {
  return path === name || path.endsWith(`.${name}`);
}

/** Role entries containing regex syntax (anchors, escapes, classes, quantifiers) are whole-path regexes. */
export function isRegexPattern(name: string): boolean {
  return /[\\^$()[\]*+?|{}]/.test(name);
}

/** A target pattern against a module path: list → exact or suffix, string → full regex match. */
export function matchesPattern(pattern: readonly string[] | string, path: string): boolean {
  if (typeof pattern === 'string') return new RegExp(`^(?:${pattern})$`).test(path);
  return pattern.some((name) => matchesName(name, path));
}

/** PEFT's modules_to_save rule: `(^|.*\.)name($|\..*)` — the module or anything inside it. */
export function insideModule(name: string, path: string): boolean {
  return path === name || path.startsWith(`${name}.`) || path.endsWith(`.${name}`) || path.includes(`.${name}.`);
}

/** Modules an adapter may see: everything but the insides of already-adapted layers. */
export function visibleModules(model: Module): [string, Module][] {
  const out: [string, Module][] = [];
  const wrapped: string[] = [];
  for (const [path, m] of model.namedModules()) {
    if (wrapped.some((w) => path.startsWith(`${w}.`))) continue;
    if (m instanceof AdaptedLinear) wrapped.push(path);
    out.push([path, m]);
  }
  return out;
}

export interface TargetSelection {
  readonly targets: readonly TargetInfo[];
  /** target_modules as saved: the patterns given, or the names the roles resolved to (those that matched). */
  readonly targetModules: readonly string[] | string | null;
}

function info(path: string, m: Module): TargetInfo | null {
  if (m instanceof AdaptedLinear) return { path, base: m.base, inFeatures: m.inFeatures, outFeatures: m.outFeatures };
  if (m instanceof Linear) return { path, base: m, inFeatures: m.inFeatures, outFeatures: m.outFeatures };
  return null;
}

/**
 * The Linear layers `config` targets, in model order. Every list entry and role must match at
 * least one module, and every match must be a Linear; otherwise an error names the pattern and the
 * closest module names.
 */
export function selectTargets(model: Module, config: ResolvedAdapterConfig, roles: RoleResolver | undefined): TargetSelection {
  const modules = visibleModules(model);
  const paths = modules.map(([p]) => p).filter((p) => p !== '');
  const excluded = (path: string) => (config.excludeModules !== null && matchesPattern(config.excludeModules, path)) || config.modulesToSave.some((m) => insideModule(m, path));
  const chosen = new Set<string>();
  const pick = (pattern: string, test: (path: string) => boolean, linearOnly: boolean) => {
    let matched = 0;
    for (const [path, m] of modules) {
      if (path === '' || !test(path) || excluded(path)) continue;
      if (!info(path, m)) {
        if (linearOnly) continue;
        throw new AdapterConfigError(`${config.method}: target '${pattern}' matches '${path}', a ${m.constructor.name}; adapters wrap Linear layers only (refine the pattern or use excludeModules)`);
      }
      chosen.add(path);
      matched++;
    }
    return matched;
  };
  let saved: readonly string[] | string | null = config.targetModules;
  const t = config.targetModules;
  if (typeof t === 'string' && t !== ALL_LINEAR && config.targetRoles.length) {
    throw new AdapterConfigError(`${config.method}: conflicting options: targetModules is a regular expression and targetRoles is set; PEFT's target_modules can hold one or the other`);
  }
  if (t === ALL_LINEAR) pick(ALL_LINEAR, () => true, true);
  else if (typeof t === 'string') {
    if (pick(t, (p) => matchesPattern(t, p), true) === 0) throw new TargetNotFoundError(t, closestToRegex(t, paths), ' (a string is a regular expression matched against whole module paths)');
  } else if (t !== null) {
    for (const name of t) if (pick(name, (p) => matchesName(name, p), false) === 0) throw new TargetNotFoundError(name, closestNames(name, paths));
  }
  if (config.targetRoles.length) {
    if (!roles) throw new AdapterConfigError(`${config.method}: targetRoles ${JSON.stringify(config.targetRoles)} need the model family's role map (pass { roles } when injecting)`);
    const names: string[] = typeof saved === 'string' ? [] : [...(saved ?? [])];
    for (const role of config.targetRoles) {
      const candidates = resolveRole(roles, role);
      let matched = 0;
      for (const name of candidates) {
        // a family's role entry is a module name/suffix, or (models' targets.ts) a whole-path regex
        const regex = isRegexPattern(name);
        const n = pick(name, (p) => (regex ? matchesPattern(name, p) : matchesName(name, p)), false);
        // PEFT's list form matches exact names/suffixes: save regex matches as the module paths they chose
        const saves = regex ? [...chosen].filter((p) => matchesPattern(name, p)) : n > 0 ? [name] : [];
        for (const s2 of saves) if (!names.includes(s2)) names.push(s2);
        matched += n;
      }
      if (matched === 0) throw new TargetNotFoundError(`role ${role}`, closestNames(candidates[0]!, paths), ` (role '${role}' resolves to ${candidates.join(', ')})`);
    }
    saved = typeof saved === 'string' ? saved : names;
  }
  const targets = modules.filter(([p]) => chosen.has(p)).map(([p, m]) => info(p, m)!);
  return { targets, targetModules: saved };
}
