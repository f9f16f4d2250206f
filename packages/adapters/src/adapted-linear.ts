// The layer that replaces a targeted Linear: the original is kept as child `base_layer` and each
// adapter's tensors are registered as `<container>.<adapter>[.weight]` — the same in-model keys as
// HF PEFT (`q_proj.base_layer.weight`, `q_proj.lora_A.default.weight`), so saving only has to strip
// the adapter name, as PEFT's `_remove_adapter_name_from_state_dict_key` does.
import { Linear, Module, type UnaryModule } from '@webpeft/nn';
import { ArgumentError, type Tensor, fmtShape, noGrad, tidy } from '@webpeft/tensor';
import { AdapterStateError } from './errors.ts';
import type { AdapterBranch } from './method.ts';

export class AdaptedLinear extends Module implements UnaryModule {
  /** The wrapped layer holding W0 (frozen). */
  readonly base: Linear;
  readonly #branches = new Map<string, AdapterBranch>();
  readonly #containers = new Map<string, Module>();
  /** The adapter applied in `forward` (null: none). */
  active: string | null = null;
  /** True inside `withAdaptersDisabled`: the base layer alone. */
  disabled = false;
  /** Adapters folded into W0, in merge order. */
  readonly merged: string[] = [];

  constructor(base: Linear) {
    super();
    this.base = this.registerModule('base_layer', base);
    this.training = base.training;
  }

  get inFeatures(): number {
    return this.base.inFeatures;
  }

  get outFeatures(): number {
    return this.base.outFeatures;
  }

  get weight(): Tensor {
    return this.base.weight;
  }

  get bias(): Tensor | null {
    return this.base.bias;
  }

  /** Adapter names with a branch here, in insertion order. */
  get adapterNames(): string[] {
    return [...this.#branches.keys()];
  }

  branch(name: string): AdapterBranch | undefined {
    return this.#branches.get(name);
  }

  /** Register a branch's tensors under PEFT's in-model names and make it available. */
  addBranch(branch: AdapterBranch): void {
    const name = branch.adapterName;
    if (this.#branches.has(name)) throw new AdapterStateError(`adapter '${name}' already has a branch on this layer`);
    for (const e of branch.entries) {
      let container = this.#containers.get(e.container);
      if (!container) {
        container = this.registerModule(e.container, new Module());
        this.#containers.set(e.container, container);
      }
      if (e.key === null) container.registerParameter(name, e.tensor);
      else container.registerModule(name, new Module()).registerParameter(e.key, e.tensor);
      e.tensor.requiresGrad = false; // set by the model from `trainable` and the active adapter
    }
    this.#branches.set(name, branch);
  }

  /** A copy of this wrapper (same base, same branch objects) without the named adapter's branch. */
  without(name: string): AdaptedLinear {
    const next = new AdaptedLinear(this.base);
    next.active = this.active === name ? null : this.active;
    next.disabled = this.disabled;
    for (const [n, b] of this.#branches) {
      if (n === name) continue;
      const grads = b.entries.map((e) => e.tensor.requiresGrad);
      next.addBranch(b);
      b.entries.forEach((e, i) => (e.tensor.requiresGrad = grads[i]!));
    }
    return next;
  }

  forward(x: Tensor): Tensor {
    const last = x.shape[x.rank - 1];
    if (last !== this.inFeatures) throw new ArgumentError(`adapted Linear(${this.inFeatures} → ${this.outFeatures}): input ${fmtShape(x.shape)} must end in ${this.inFeatures}`);
    const branch = this.active === null ? undefined : this.#branches.get(this.active);
    // merged adapters already live in W0; a disabled model is the base model
    if (this.disabled || this.merged.length > 0 || !branch) return this.base.forward(x);
    return branch.forward(x, this.base, this.training);
  }

  merge(name: string): void {
    const branch = this.#branches.get(name);
    if (!branch) throw new AdapterStateError(`cannot merge '${name}': this layer has adapters ${this.adapterNames.join(', ')}`);
    if (this.merged.includes(name)) throw new AdapterStateError(`adapter '${name}' is already merged into this layer`);
    noGrad(() => tidy(() => branch.merge(this.base)));
    this.merged.push(name);
  }

  unmerge(): void {
    while (this.merged.length) {
      const branch = this.#branches.get(this.merged.pop()!)!;
      noGrad(() => tidy(() => branch.unmerge(this.base)));
    }
  }

  /** Dispose one adapter's tensors (entries and caches). */
  disposeBranch(name: string): void {
    const b = this.#branches.get(name);
    if (!b) return;
    for (const e of b.entries) e.tensor.dispose();
    b.dispose?.();
  }

  protected override releaseResources(): void {
    for (const b of this.#branches.values()) b.dispose?.();
  }
}

/** Replace W (and b) in place with `fn`'s result, keeping tensor identity. */
export function updateInPlace(target: Tensor, fn: (t: Tensor) => Tensor): void {
  noGrad(() => tidy(() => void target.assign(fn(target))));
}
