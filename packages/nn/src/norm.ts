// LayerNorm (BERT, RoBERTa, BART, ViT) and RMSNorm (LLaMA) over the last axis, on the fused ops.
import { ArgumentError, type Tensor, layerNorm, rmsNorm } from '@webpeft/tensor';
import { type ModuleOptions, constantInit } from './init.ts';
import { Module } from './module.ts';

function checkDim(what: string, dim: number): void {
  if (!Number.isInteger(dim) || dim <= 0) throw new ArgumentError(`${what}: the normalised size must be a positive integer, got ${dim}`);
}

export interface LayerNormOptions extends ModuleOptions {
  /** Default 1e-5 (PyTorch); BERT/RoBERTa checkpoints use 1e-12 (`layer_norm_eps`). */
  readonly eps?: number;
  /** Learn `weight` (and `bias`); default true. */
  readonly elementwiseAffine?: boolean;
  /** Learn `bias` when affine; default true. */
  readonly bias?: boolean;
}

/** (x − μ)/√(σ² + eps)·weight + bias, statistics over the last axis (biased variance). */
export class LayerNorm extends Module {
  readonly dim: number;
  readonly eps: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(dim: number, opts: LayerNormOptions = {}) {
    super();
    checkDim('LayerNorm', dim);
    this.dim = dim;
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? this.registerParameter('weight', constantInit([dim], 1, opts)) : null;
    this.bias = affine && opts.bias !== false ? this.registerParameter('bias', constantInit([dim], 0, opts)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

export interface RMSNormOptions extends ModuleOptions {
  /** Default 1e-6 (LLaMA `rms_norm_eps`). */
  readonly eps?: number;
}

/** LLaMA's RMSNorm: weight · x/√(mean(x²) + eps) over the last axis. */
export class RMSNorm extends Module {
  readonly dim: number;
  readonly eps: number;
  readonly weight: Tensor;

  constructor(dim: number, opts: RMSNormOptions = {}) {
    super();
    checkDim('RMSNorm', dim);
    this.dim = dim;
    this.eps = opts.eps ?? 1e-6;
    this.weight = this.registerParameter('weight', constantInit([dim], 1, opts));
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}
