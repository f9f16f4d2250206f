// The module tree: named parameters whose dotted paths are the checkpoint keys (nanoGPT /
// transformers.js: module names are the keys; renames and transposes live at the load boundary).
import { ArgumentError, type Tensor, cast, keep, noGrad, shapesEqual, tidy } from '@webpeft/tensor';
import { type MismatchedKey, ModulePathError, StateDictError } from './errors.ts';

/** Parameter and buffer values by dotted path, e.g. `encoder.layer.0.attention.self.query.weight`. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default true). Mis-shaped keys always throw, as in PyTorch. */
  readonly strict?: boolean;
}

export interface LoadStateDictResult {
  /** Keys the module has that the state dict lacked (left untouched). */
  readonly missing: string[];
  /** Keys of the state dict the module has no place for (ignored). */
  readonly unexpected: string[];
}

export interface RegisterBufferOptions {
  /** Persistent buffers are part of the state dict (default true). */
  readonly persistent?: boolean;
}

/** Which parameters `freeze` / `unfreeze` touch. */
export type ParameterPredicate = (name: string, parameter: Tensor) => boolean;

function checkName(kind: string, name: string): void {
  if (name === '' || name.includes('.')) throw new ArgumentError(`${kind} name '${name}' is invalid: names must be non-empty and contain no '.'`);
}

/**
 * Base class of every layer: holds parameters, buffers and child modules by name, in
 * registration order. Parameters are kept tensors (they survive `tidy`) that require grad;
 * `dispose()` releases them.
 */
export class Module {
  /** Training mode (dropout active); switch the whole tree with `train()` / `eval()`. */
  training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  readonly #children = new Map<string, Module>();

  #checkFree(kind: string, name: string): void {
    checkName(kind, name);
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new ArgumentError(`${kind} '${name}' is already registered on ${this.constructor.name}`);
    }
  }

  /** Add a trainable parameter (kept, `requiresGrad = true`). Returns it. */
  registerParameter(name: string, parameter: Tensor): Tensor {
    this.#checkFree('parameter', name);
    keep(parameter);
    parameter.requiresGrad = true;
    parameter.name ??= name;
    this.#parameters.set(name, parameter);
    return parameter;
  }

  /** Add a non-trainable tensor (kept). Persistent buffers appear in the state dict. */
  registerBuffer(name: string, buffer: Tensor, opts: RegisterBufferOptions = {}): Tensor {
    this.#checkFree('buffer', name);
    keep(buffer);
    buffer.name ??= name;
    this.#buffers.set(name, { tensor: buffer, persistent: opts.persistent ?? true });
    return buffer;
  }

  /** Add a child module; its parameters appear under `name.`. Returns it. */
  registerModule<M extends Module>(name: string, child: M): M {
    this.#checkFree('module', name);
    this.#children.set(name, child);
    return child;
  }

  /** Own child modules by name, in registration order. */
  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this.#children;
  }

  /** Every module of the tree (this one first, path ''), pre-order; shared modules once. */
  namedModules(prefix = ''): IterableIterator<[string, Module]> {
    return this.#walk(prefix, new Set());
  }

  *#walk(prefix: string, seen: Set<Module>): IterableIterator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this.#children) yield* child.#walk(prefix ? `${prefix}.${name}` : name, seen);
  }

  /** Parameters by dotted path in registration order (own first, then each child's); a shared tensor once. */
  *namedParameters(prefix = ''): IterableIterator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [name, p] of m.#parameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [path ? `${path}.${name}` : name, p];
      }
    }
  }

  *parameters(): IterableIterator<Tensor> {
    for (const [, p] of this.namedParameters()) yield p;
  }

  /** Buffers by dotted path (persistent or not). */
  *namedBuffers(prefix = ''): IterableIterator<[string, Tensor]> {
    for (const [path, m] of this.namedModules(prefix)) {
      for (const [name, b] of m.#buffers) yield [path ? `${path}.${name}` : name, b.tensor];
    }
  }

  /** Number of parameter elements (optionally only those that require grad). */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!opts.trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  /** The module at a dotted path ('' is this module). */
  getSubmodule(path: string): Module {
    if (path === '') return this;
    let m: Module = this;
    const parts = path.split('.');
    parts.forEach((part, i) => {
      const next = m.#children.get(part);
      if (!next) {
        const at = parts.slice(0, i).join('.') || '(root)';
        throw new ModulePathError(`no module '${path}': ${at} (${m.constructor.name}) has no child '${part}'; its children are: ${[...m.#children.keys()].join(', ') || 'none'}`);
      }
      m = next;
    });
    return m;
  }

  /**
   * Put `module` at a dotted path, replacing the child there (adapters swap a Linear for a
   * LoRA wrapper this way). Fields of the parent that held the old child are re-pointed,
   * as PyTorch's `setattr` does, so forward passes use the new module.
   */
  setSubmodule(path: string, module: Module): Module | undefined {
    const cut = path.lastIndexOf('.');
    const parent = this.getSubmodule(cut < 0 ? '' : path.slice(0, cut));
    const name = path.slice(cut + 1);
    checkName('module', name);
    if (parent.#parameters.has(name) || parent.#buffers.has(name)) throw new ModulePathError(`setSubmodule: '${path}' is a parameter or buffer, not a module`);
    const old = parent.#children.get(name);
    parent.#children.set(name, module);
    if (old) {
      const fields = parent as unknown as Record<string, unknown>;
      for (const key of Object.keys(fields)) if (fields[key] === old) fields[key] = module;
    }
    return old;
  }

  /** Every state tensor by key, PyTorch order: per module, its parameters, then its persistent buffers. */
  #stateEntries(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [path, m] of this.namedModules()) {
      const key = (name: string) => (path ? `${path}.${name}` : name);
      for (const [name, p] of m.#parameters) out.set(key(name), p);
      for (const [name, b] of m.#buffers) if (b.persistent) out.set(key(name), b.tensor);
    }
    return out;
  }

  /**
   * Parameters and persistent buffers by checkpoint key. The values are the live tensors
   * (not copies): read or save them, do not dispose them.
   */
  stateDict(): StateDict {
    return Object.fromEntries(this.#stateEntries());
  }

  /**
   * Copy values in by key with `assign`, so every tensor keeps its identity (optimizers and
   * adapters holding them see the new values). Values are cast to the parameter's dtype.
   * Validates everything first: on error nothing is loaded.
   */
  loadStateDict(dict: Readonly<StateDict>, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const targets = this.#stateEntries();
    const missing = [...targets.keys()].filter((k) => !Object.hasOwn(dict, k));
    const unexpected = Object.keys(dict).filter((k) => !targets.has(k));
    const mismatched: MismatchedKey[] = [];
    for (const [key, target] of targets) {
      const value = dict[key];
      if (!value) continue;
      if (!shapesEqual(value.shape, target.shape)) mismatched.push({ key, expected: target.shape, got: value.shape });
      else if (value.isDisposed) throw new ArgumentError(`loadStateDict: the value for '${key}' was disposed`);
      else if (value.backend !== target.backend) throw new ArgumentError(`loadStateDict: the value for '${key}' lives on backend '${value.backend.name}', the module on '${target.backend.name}'`);
    }
    if (mismatched.length || (strict && (missing.length || unexpected.length))) throw new StateDictError(missing, unexpected, mismatched);
    tidy(() =>
      noGrad(() => {
        for (const [key, target] of targets) {
          const value = dict[key];
          if (value && value !== target) target.assign(value.dtype === target.dtype ? value : cast(value, target.dtype));
        }
      }),
    );
    return { missing, unexpected };
  }

  #setRequiresGrad(value: boolean, predicate?: ParameterPredicate): this {
    for (const [name, p] of this.namedParameters()) if (!predicate || predicate(name, p)) p.requiresGrad = value;
    return this;
  }

  /** Stop gradients for all parameters, or those `predicate(name, parameter)` selects. */
  freeze(predicate?: ParameterPredicate): this {
    return this.#setRequiresGrad(false, predicate);
  }

  /** Let gradients flow again to all parameters, or those `predicate` selects. */
  unfreeze(predicate?: ParameterPredicate): this {
    return this.#setRequiresGrad(true, predicate);
  }

  /** Set training mode on the whole tree (`false` is `eval()`). */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Dispose and clear the gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Release every parameter, buffer and cache of the tree. The module is unusable afterwards. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const p of m.#parameters.values()) p.dispose();
      for (const b of m.#buffers.values()) b.tensor.dispose();
      m.releaseResources();
    }
  }

  /** Hook for tensors a module holds outside its parameters and buffers (caches). */
  protected releaseResources(): void {}
}

/** Children named `0`, `1`, … (HF `layer.0.…`, `layers.3.…`). */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  #length = 0;

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  get length(): number {
    return this.#length;
  }

  push(module: M): this {
    this.registerModule(String(this.#length++), module);
    return this;
  }

  /** The module at `index` (negative counts from the end); reads the registry, so replacements are seen. */
  at(index: number): M {
    const i = index < 0 ? index + this.#length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) throw new ModulePathError(`ModuleList index ${index} is out of range for ${this.#length} modules`);
    return this.getSubmodule(String(i)) as M;
  }

  *[Symbol.iterator](): IterableIterator<M> {
    for (let i = 0; i < this.#length; i++) yield this.at(i);
  }
}
