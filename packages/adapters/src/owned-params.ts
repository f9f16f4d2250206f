// Base parameters an adapter trains in full (modules_to_save, biases, or all of them for full
// fine-tuning). Each adapter keeps its own values: the live tensor holds the active adapter's, the
// others wait in snapshots. Snapshots are `detach()`ed views: ops never write storage in place
// (updates `assign` new storage), so a snapshot costs nothing until training moves the live value.
import { type Tensor, keep } from '@webpeft/tensor';

export class OwnedParameters {
  /** Original (base model) value of every owned parameter. */
  readonly #original = new Map<Tensor, Tensor>();
  /** adapter → parameter → its value while the adapter is not live. */
  readonly #slots = new Map<string, Map<Tensor, Tensor>>();
  /** Whose values the live tensors hold (null: the base model's). */
  #live: string | null = null;

  get live(): string | null {
    return this.#live;
  }

  /** Parameters `adapter` owns, in claim order. */
  owned(adapter: string): Tensor[] {
    return [...(this.#slots.get(adapter)?.keys() ?? [])];
  }

  isOwned(param: Tensor): boolean {
    return this.#original.has(param);
  }

  /** `adapter` trains `params` from their current base values. Call while no adapter is live on them. */
  claim(adapter: string, params: Iterable<Tensor>): void {
    let slots = this.#slots.get(adapter);
    if (!slots) this.#slots.set(adapter, (slots = new Map()));
    for (const p of params) {
      if (slots.has(p)) continue;
      if (!this.#original.has(p)) this.#original.set(p, keep(p.detach()));
      slots.set(p, keep(this.#original.get(p)!.detach()));
    }
  }

  /** Make `next`'s values live (null: the base model's); returns the parameters `next` owns. */
  activate(next: string | null): Set<Tensor> {
    if (next !== this.#live) {
      const prev = this.#live === null ? undefined : this.#slots.get(this.#live);
      if (prev) {
        for (const [p, old] of prev) {
          old.dispose();
          prev.set(p, keep(p.detach()));
        }
      }
      const nextSlots = next === null ? undefined : this.#slots.get(next);
      for (const [p, orig] of this.#original) p.assign(nextSlots?.get(p) ?? orig);
      this.#live = next;
    }
    return new Set(next === null ? [] : this.owned(next));
  }

  /** The current value of `param` for `adapter` (live or waiting). */
  valueFor(adapter: string, param: Tensor): Tensor | undefined {
    const slots = this.#slots.get(adapter);
    if (!slots?.has(param)) return undefined;
    return this.#live === adapter ? param : slots.get(param);
  }

  /** Overwrite `adapter`'s value of `param` (loading). */
  setValue(adapter: string, param: Tensor, value: Tensor): void {
    const slots = this.#slots.get(adapter);
    if (!slots?.has(param)) return;
    if (this.#live === adapter) param.assign(value);
    else {
      slots.get(param)!.dispose();
      slots.set(param, keep(value.detach()));
    }
  }

  /** Forget `adapter` (its live values go back to the base model's first). */
  release(adapter: string): void {
    if (this.#live === adapter) this.activate(null);
    const slots = this.#slots.get(adapter);
    if (!slots) return;
    for (const t of slots.values()) t.dispose();
    this.#slots.delete(adapter);
    for (const [p, orig] of [...this.#original]) {
      if ([...this.#slots.values()].some((s) => s.has(p))) continue;
      orig.dispose();
      this.#original.delete(p);
    }
  }

  /** Forget every adapter, keeping whatever values are live now. */
  releaseAll(): void {
    for (const slots of this.#slots.values()) for (const t of slots.values()) t.dispose();
    for (const t of this.#original.values()) t.dispose();
    this.#slots.clear();
    this.#original.clear();
    this.#live = null;
  }
}
