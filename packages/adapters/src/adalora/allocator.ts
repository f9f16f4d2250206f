// AdaLoRA's budget schedule and importance-based rank allocation (Zhang et al. 2023, eqs. 7–11), as
// PEFT's RankAllocator and AdaLoraModel.update_and_allocate / forward (peft/tuners/adalora/layer.py,
// model.py): sensitivity I = |θ ⊙ ∇θ| smoothed by β1, its uncertainty by β2, score = Ī·Ū; each triplet
// scores s(Λ_i) + mean s(Q_i·) + mean s(P_·i); the lowest-scoring triplets have Λ_i zeroed until
// the total rank meets the cubic budget.
import { type Tensor, abs, add, fromArray, keep, matmul, mean, mul, noGrad, sqrt, square, sub, sum, tidy } from '@webpeft/tensor';
import type { AdapterModel } from '../adapter-model.ts';
import { AdapterStateError } from '../errors.ts';
import type { AdaLoraConfig, RankPattern } from './config.ts';
import { AdaLoraBranch } from './layer.ts';

interface Importance {
  exp: Tensor;
  unc: Tensor;
}

/** The AdaLoRA branches of one adapter, by layer path. */
export function adaloraBranches(am: AdapterModel, adapterName: string): AdaLoraBranch[] {
  const out: AdaLoraBranch[] = [];
  for (const [, layer] of am.layers()) {
    const b = layer.branch(adapterName);
    if (b instanceof AdaLoraBranch) out.push(b);
  }
  if (!out.length) throw new AdapterStateError(`adapter '${adapterName}' has no AdaLoRA layers`);
  return out;
}

export class RankAllocator {
  readonly config: AdaLoraConfig;
  readonly branches: readonly AdaLoraBranch[];
  /** Σ init ranks (PEFT's init_bgt). */
  readonly initBudget: number;
  /** target_r · number of layers (PEFT's target_bgt). */
  readonly targetBudget: number;
  #importance = new Map<Tensor, Importance>();

  constructor(am: AdapterModel, adapterName: string) {
    this.config = am.adapter(adapterName).config as AdaLoraConfig;
    this.branches = adaloraBranches(am, adapterName);
    this.initBudget = this.branches.reduce((s, b) => s + b.rank, 0);
    this.targetBudget = this.config.targetR * this.branches.length;
  }

  /** PEFT's budget_schedule: the full budget until tinit, cubic decay to the target, then the target. */
  budgetSchedule(step: number): { budget: number; maskInd: boolean } {
    const { tinit, tfinal, totalStep, deltaT } = this.config;
    if (step <= tinit) return { budget: this.initBudget, maskInd: false };
    if (step > totalStep - tfinal) return { budget: this.targetBudget, maskInd: true };
    const mulCoeff = 1 - (step - tinit) / (totalStep - tfinal - tinit);
    return { budget: Math.trunc((this.initBudget - this.targetBudget) * mulCoeff ** 3 + this.targetBudget), maskInd: step % deltaT === 0 };
  }

  /** Update the smoothed sensitivity of every A, B, E from their current gradients (device ops, no readback). */
  updateImportance(): void {
    const { beta1, beta2 } = this.config;
    noGrad(() => {
      for (const b of this.branches) {
        for (const p of [b.loraA, b.loraB, b.loraE]) {
          if (!p.grad) continue;
          const grad = p.grad;
          tidy(() => {
            const ipt = abs(mul(p, grad));
            const state = this.#importance.get(p);
            const prevExp = state?.exp;
            const exp = prevExp ? add(mul(prevExp, beta1), mul(ipt, 1 - beta1)) : mul(ipt, 1 - beta1);
            const unc = state ? add(mul(state.unc, beta2), mul(abs(sub(ipt, exp)), 1 - beta2)) : mul(abs(sub(ipt, exp)), 1 - beta2);
            state?.exp.dispose();
            state?.unc.dispose();
            this.#importance.set(p, { exp: keep(exp), unc: keep(unc) });
          });
        }
      }
    });
  }

  resetImportance(): void {
    for (const s of this.#importance.values()) {
      s.exp.dispose();
      s.unc.dispose();
    }
    this.#importance.clear();
  }

  async #tripletScores(): Promise<Float64Array[]> {
    const out: Float64Array[] = [];
    for (const b of this.branches) {
      const score = (p: Tensor, axis: number | null): Tensor => {
        const s = this.#importance.get(p);
        if (!s) return fromArray(new Float64Array(b.rank), [b.rank], { dtype: p.dtype, backend: p.backend });
        const e = mul(s.exp, s.unc);
        return axis === null ? e : mean(e, axis);
      };
      const t = tidy(() => keep(add(add(score(b.loraE, 1), score(b.loraA, 1)), score(b.loraB, 0))));
      out.push(Float64Array.from(await t.data()));
      t.dispose();
    }
    return out;
  }

  /** Zero Λ of the lowest-scoring triplets so the total rank fits `budget`; returns the rank pattern. */
  async maskToBudget(budget: number): Promise<RankPattern> {
    const scores = await this.#tripletScores();
    const all = scores.flatMap((s) => Array.from(s)).sort((x, y) => x - y);
    const k = this.initBudget - budget;
    // torch.kthvalue(k): the k-th smallest (1-based); k ≤ 0 prunes nothing
    const threshold = k > 0 ? all[Math.min(k, all.length) - 1]! : -Infinity;
    const pattern: Record<string, boolean[]> = {};
    this.branches.forEach((b, i) => {
      const keepMask = Array.from(scores[i]!, (s) => !(s <= threshold));
      pattern[`${b.path}.lora_E`] = keepMask;
      applyMask(b, keepMask);
    });
    return pattern;
  }

  /** Zero Λ where `pattern` says a rank was pruned (PEFT's mask_using_rank_pattern). */
  maskUsingRankPattern(pattern: RankPattern): void {
    for (const b of this.branches) {
      const m = pattern[`${b.path}.lora_E`];
      if (m) applyMask(b, m);
    }
  }

  /** PEFT's RankAllocator.update_and_allocate. */
  async updateAndAllocate(step: number, forceMask = false): Promise<{ budget: number; rankPattern: RankPattern | null }> {
    if (step < this.config.totalStep - this.config.tfinal) this.updateImportance();
    const { budget, maskInd } = this.budgetSchedule(step);
    return { budget, rankPattern: maskInd || forceMask ? await this.maskToBudget(budget) : null };
  }
}

function applyMask(b: AdaLoraBranch, keepMask: readonly boolean[]): void {
  b.keepMask = [...keepMask];
  noGrad(() => tidy(() => void b.loraE.assign(mul(b.loraE, fromArray(keepMask.map(Number), [b.rank, 1], { dtype: b.loraE.dtype, backend: b.loraE.backend })))));
}

/**
 * Drives AdaLoRA training as PEFT's AdaLoraModel: call `step(globalStep)` after `optimizer.step()` and
 * before `zeroGrad()`; add `orthogonalLoss()` to the task loss.
 */
export class AdaLoraController {
  readonly allocator: RankAllocator;
  rankPattern: RankPattern | null = null;

  constructor(am: AdapterModel, adapterName = am.activeAdapter ?? 'default') {
    this.allocator = new RankAllocator(am, adapterName);
  }

  /** PEFT's AdaLoraModel.update_and_allocate(global_step). */
  async step(globalStep: number): Promise<void> {
    const { totalStep, tfinal } = this.allocator.config;
    if (globalStep < totalStep - tfinal) {
      const { rankPattern } = await this.allocator.updateAndAllocate(globalStep);
      if (rankPattern) this.rankPattern = rankPattern;
    } else if (globalStep === totalStep - tfinal) {
      this.rankPattern = (await this.allocator.updateAndAllocate(globalStep, true)).rankPattern;
      this.allocator.resetImportance();
    } else if (this.rankPattern) {
      this.allocator.maskUsingRankPattern(this.rankPattern);
    }
  }

  /** Ranks still active (non-zero Λ entries allowed by the current pattern). */
  totalRank(): number {
    if (!this.rankPattern) return this.allocator.initBudget;
    return Object.values(this.rankPattern).reduce((s, m) => s + m.filter(Boolean).length, 0);
  }

  /**
   * orth_reg_weight · mean over A and B of ‖AAᵀ − I‖_F and ‖BᵀB − I‖_F (PEFT's AdaLoraModel.forward);
   * add it to the task loss.
   */
  orthogonalLoss(): Tensor {
    const terms: Tensor[] = [];
    for (const b of this.allocator.branches) {
      for (const [p, transposeFirst] of [[b.loraA, false], [b.loraB, true]] as const) {
        const cov = transposeFirst ? matmul(p, p, { transA: true }) : matmul(p, p, { transB: true });
        const n = cov.shape[0]!;
        const eye = fromArray(Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)), [n, n], { dtype: p.dtype, backend: p.backend });
        terms.push(sqrt(sum(square(sub(cov, eye)))));
      }
    }
    let total = terms[0]!;
    for (const t of terms.slice(1)) total = add(total, t);
    return mul(total, this.allocator.config.orthRegWeight / terms.length);
  }

  dispose(): void {
    this.allocator.resetImportance();
  }
}
