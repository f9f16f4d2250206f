// The LoRA branch (Hu et al. 2021; the paper's eq. 1): y = W0·x + b + s·B·A·dropout(x) with
// A [r, in] and B [out, r] used as stored (matmuls with transB), s = α/r or α/√r (rsLoRA).
// A frozen factor is a leaf with requiresGrad = false, so autograd computes nothing for it.
import type { Linear } from '@webpeft/nn';
import { Generator, type Tensor, add, dropout, matmul, mul, reshape, sub } from '@webpeft/tensor';
import { factorSeed } from '../_hash.ts';
import { updateInPlace } from '../adapted-linear.ts';
import { type FactorRecipe, factorTensor } from '../factor-init.ts';
import type { AdapterBranch, BranchContext, BranchEntry } from '../method.ts';
import type { LoraConfig } from './config.ts';

/** PEFT: scaling = lora_alpha / r, or lora_alpha / √r with use_rslora (Kalajdzievski 2023). */
export function loraScaling(config: Pick<LoraConfig, 'alpha' | 'r' | 'rsLora'>): number {
  return config.rsLora ? config.alpha / Math.sqrt(config.r) : config.alpha / config.r;
}

/** The recipe of factor A or B of one layer: seeded from (adapter seed, layer path, factor). */
export function loraRecipe(config: LoraConfig, path: string, factor: 'A' | 'B', inFeatures: number, outFeatures: number): FactorRecipe {
  const init = factor === 'A' ? config.a.init : config.b.init;
  const shape: [number, number] = factor === 'A' ? [config.r, inFeatures] : [outFeatures, config.r];
  const seeded = init !== 'zero' && init !== 'svd';
  return { init, factor, shape, seed: seeded ? factorSeed(config.seed, path, `lora_${factor}`).toString() : '' };
}

export class LoraBranch implements AdapterBranch {
  readonly method: string;
  readonly adapterName: string;
  readonly entries: readonly BranchEntry[];
  readonly loraA: Tensor;
  readonly loraB: Tensor;
  readonly scaling: number;
  readonly dropoutP: number;
  readonly #dropoutGenerator: Generator;

  constructor(ctx: BranchContext<LoraConfig>) {
    const { config, target } = ctx;
    this.method = config.method;
    this.adapterName = ctx.adapterName;
    this.scaling = loraScaling(config);
    this.dropoutP = config.dropout;
    this.#dropoutGenerator = new Generator(factorSeed(config.seed, target.path, 'lora_dropout'));
    const env = { dtype: ctx.dtype, backend: ctx.backend, ...(ctx.weight && { weight: ctx.weight }) };
    const recipeA = loraRecipe(config, target.path, 'A', target.inFeatures, target.outFeatures);
    const recipeB = loraRecipe(config, target.path, 'B', target.inFeatures, target.outFeatures);
    this.loraA = factorTensor(recipeA, config.r, env);
    this.loraB = factorTensor(recipeB, config.r, env);
    this.entries = [
      { container: 'lora_A', key: 'weight', tensor: this.loraA, trainable: config.a.trainable, recipe: recipeA },
      { container: 'lora_B', key: 'weight', tensor: this.loraB, trainable: config.b.trainable, recipe: recipeB },
    ];
  }

  forward(x: Tensor, base: Linear, training: boolean): Tensor {
    const y = base.forward(x);
    const lead = x.shape.slice(0, -1);
    let h = reshape(x, [-1, base.inFeatures]);
    if (training && this.dropoutP > 0) h = dropout(h, this.dropoutP, { generator: this.#dropoutGenerator });
    // scale the [N, r] intermediate: the cheapest place for s
    const z = matmul(mul(matmul(h, this.loraA, { transB: true }), this.scaling), this.loraB, { transB: true });
    return add(y, reshape(z, [...lead, base.outFeatures]));
  }

  /** ΔW = s·B·A, [out, in]. */
  deltaWeight(): Tensor {
    return mul(matmul(this.loraB, this.loraA), this.scaling);
  }

  merge(base: Linear): void {
    updateInPlace(base.weight, (w) => add(w, this.deltaWeight()));
  }

  unmerge(base: Linear): void {
    updateInPlace(base.weight, (w) => sub(w, this.deltaWeight()));
  }
}
