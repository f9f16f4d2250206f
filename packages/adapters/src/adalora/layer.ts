// AdaLoRA's SVD-form branch (Zhang et al. 2023): ΔW = P·Λ·Q as lora_B [out, r] · diag(lora_E [r, 1]) ·
// lora_A [r, in], scaled by α/(ranknum + 1e-5) with ranknum = init_r (peft/tuners/adalora/layer.py,
// SVDLinear). Pruning a rank zeroes its singular value in Λ; a zero in Λ removes the triplet exactly.
import type { Linear } from '@webpeft/nn';
import { Generator, type Tensor, add, dropout, fromArray, gather, matmul, mul, reshape, sub } from '@webpeft/tensor';
import { factorSeed } from '../_hash.ts';
import { updateInPlace } from '../adapted-linear.ts';
import type { AdapterBranch, BranchContext, BranchEntry } from '../method.ts';
import type { AdaLoraConfig } from './config.ts';

export class AdaLoraBranch implements AdapterBranch {
  readonly method: string;
  readonly adapterName: string;
  readonly path: string;
  readonly entries: readonly BranchEntry[];
  /** Q: right singular vectors [r, in], N(0, 0.02²). */
  readonly loraA: Tensor;
  /** P: left singular vectors [out, r], N(0, 0.02²). */
  readonly loraB: Tensor;
  /** Λ: singular values [r, 1], zeros. */
  readonly loraE: Tensor;
  readonly rank: number;
  /** Ranks kept by the last allocation (null: all); saving drops the others, as PEFT's resize_state_dict_by_rank_pattern. */
  keepMask: readonly boolean[] | null = null;
  /** α / (ranknum + 1e-5); ranknum stays init_r even when a loaded layer has fewer ranks (PEFT keeps it). */
  readonly scaling: number;
  readonly #dropoutP: number;
  readonly #generator: Generator;

  constructor(ctx: BranchContext<AdaLoraConfig>) {
    const { config, target } = ctx;
    this.method = config.method;
    this.adapterName = ctx.adapterName;
    this.path = target.path;
    const pattern = config.rankPattern?.[`${target.path}.lora_E`];
    this.rank = pattern ? pattern.filter(Boolean).length : config.initR;
    const ranknum = config.initR;
    this.scaling = (config.alpha > 0 ? config.alpha : ranknum) / (ranknum + 1e-5);
    this.#dropoutP = config.dropout;
    this.#generator = new Generator(factorSeed(config.seed, target.path, 'lora_dropout'));
    const g = new Generator(factorSeed(config.seed, target.path, 'adalora'));
    const opts = { dtype: ctx.dtype, backend: ctx.backend };
    const r = this.rank;
    this.loraA = fromArray(g.normal(r * target.inFeatures, 0, 0.02), [r, target.inFeatures], opts);
    this.loraB = fromArray(g.normal(target.outFeatures * r, 0, 0.02), [target.outFeatures, r], opts);
    this.loraE = fromArray(new Float64Array(r), [r, 1], opts);
    this.entries = [
      { container: 'lora_A', key: null, tensor: this.loraA, trainable: true },
      { container: 'lora_B', key: null, tensor: this.loraB, trainable: true },
      { container: 'lora_E', key: null, tensor: this.loraE, trainable: true },
    ];
  }

  /** Entries as saved: only the kept ranks' rows of A and E and columns of B. */
  exportEntries(): BranchEntry[] {
    const mask = this.keepMask;
    if (!mask || mask.every(Boolean)) return [...this.entries];
    const idx = fromArray(mask.flatMap((k, i) => (k ? [i] : [])), [mask.filter(Boolean).length], { dtype: 'i32', backend: this.loraA.backend });
    const [a, b, e] = this.entries as [BranchEntry, BranchEntry, BranchEntry];
    return [
      { ...a, tensor: gather(this.loraA, idx, 0) },
      { ...b, tensor: gather(this.loraB, idx, 1) },
      { ...e, tensor: gather(this.loraE, idx, 0) },
    ];
  }

  forward(x: Tensor, base: Linear, training: boolean): Tensor {
    const y = base.forward(x);
    if (this.rank === 0) return y;
    let h = reshape(x, [-1, base.inFeatures]);
    if (training && this.#dropoutP > 0) h = dropout(h, this.#dropoutP, { generator: this.#generator });
    const z = matmul(mul(matmul(h, mul(this.loraA, this.loraE), { transB: true }), this.scaling), this.loraB, { transB: true });
    return add(y, reshape(z, [...x.shape.slice(0, -1), base.outFeatures]));
  }

  deltaWeight(): Tensor {
    return mul(matmul(this.loraB, mul(this.loraA, this.loraE)), this.scaling);
  }

  merge(base: Linear): void {
    if (this.rank > 0) updateInPlace(base.weight, (w) => add(w, this.deltaWeight()));
  }

  unmerge(base: Linear): void {
    if (this.rank > 0) updateInPlace(base.weight, (w) => sub(w, this.deltaWeight()));
  }
}
