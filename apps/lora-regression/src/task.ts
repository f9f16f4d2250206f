// The synthetic regression: y = (W0 + Δ)·x + ε with a frozen random W0 and a rank-k Δ.
// Inputs are x ~ N(0, I) by default, or x = Pᵀz with z ~ N(0, I_k) on a random k-dimensional
// subspace (`inputRank`), the low-dimensional input case where the paper's asymmetry shows.
import { type Generator, type Tensor, add, keep, matmul, mul, noGrad, orthogonal, randn, square, sub, sum, tidy } from '@webpeft/tensor';

export interface TaskConfig {
  readonly dIn: number;
  readonly dOut: number;
  /** Rank of the update Δ = W_targ − W0. */
  readonly deltaRank: number;
  /** Standard deviation of the label noise ε; the loss floor is its square. */
  readonly noiseStd: number;
  /** Dimension of the input subspace; `dIn` (the default) means isotropic x ~ N(0, I). */
  readonly inputRank: number;
}

export interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
}

export class RegressionTask {
  readonly config: TaskConfig;
  /** Frozen pretrained weight W0 [dOut × dIn]. */
  readonly w0: Tensor;
  /** The low-rank update to learn, Δ [dOut × dIn]. */
  readonly delta: Tensor;
  readonly wTarget: Tensor;
  /** Orthonormal rows spanning the inputs, P [k × dIn]; null for isotropic inputs. */
  readonly inputBasis: Tensor | null;

  constructor(config: TaskConfig, generator: Generator) {
    const { dIn, dOut, deltaRank, inputRank } = config;
    if (!(inputRank >= 1 && inputRank <= dIn)) throw new RangeError(`inputRank must be in [1, ${dIn}], got ${inputRank}`);
    this.config = config;
    const created = tidy(() => {
      const w0 = randn([dOut, dIn], { generator, std: 1 / Math.sqrt(dIn) });
      // Δ = U·V with i.i.d. N(0, 1) factors, scaled so E‖Δ‖²_F / dOut = 1 (unit excess loss)
      const u = randn([dOut, deltaRank], { generator });
      const v = randn([deltaRank, dIn], { generator });
      const delta = mul(matmul(u, v), 1 / Math.sqrt(deltaRank * dIn));
      const inputBasis = inputRank < dIn ? orthogonal([inputRank, dIn], { generator }) : null;
      return { w0, delta, wTarget: add(w0, delta), inputBasis };
    });
    this.w0 = keep(created.w0);
    this.delta = keep(created.delta);
    this.wTarget = keep(created.wTarget);
    this.inputBasis = created.inputBasis ? keep(created.inputBasis) : null;
  }

  /** A fresh batch (tensors belong to the enclosing tidy scope). */
  sample(batchSize: number, generator: Generator): Batch {
    const { dIn, dOut, noiseStd, inputRank } = this.config;
    // subspace inputs are scaled by √(dIn/k) so E‖x‖² = dIn either way
    const x = this.inputBasis ? matmul(randn([batchSize, inputRank], { generator, std: Math.sqrt(dIn / inputRank) }), this.inputBasis) : randn([batchSize, dIn], { generator });
    const clean = matmul(x, this.wTarget, { transB: true });
    const y = noiseStd > 0 ? add(clean, randn([batchSize, dOut], { generator, std: noiseStd })) : clean;
    return { x, y };
  }

  /**
   * Expected loss E‖ΔŴ·x − Δ·x + ε‖² / dOut of an effective update ΔŴ, in closed form:
   * (dIn/k)·‖(ΔŴ − Δ)·Pᵀ‖²_F / dOut + σ² (P = I, k = dIn for isotropic inputs). No sampling noise.
   */
  populationLoss(update: Tensor): number {
    return noGrad(() =>
      tidy(() => {
        const err = sub(update, this.delta);
        const seen = this.inputBasis ? matmul(err, this.inputBasis, { transB: true }) : err;
        return (sum(square(seen)).dataSync()[0]! * this.inputScale ** 2) / this.config.dOut + this.config.noiseStd ** 2;
      }),
    );
  }

  /** Standard deviation of x along each input direction: √(dIn/k). */
  get inputScale(): number {
    return Math.sqrt(this.config.dIn / this.config.inputRank);
  }

  dispose(): void {
    for (const t of [this.w0, this.delta, this.wTarget, this.inputBasis]) t?.dispose();
  }
}
