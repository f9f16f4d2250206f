// nn.Embedding as a gather of rows; the padding row gets no gradient, as in PyTorch.
import { ArgumentError, DTypeError, defaultGenerator, type Tensor, gather, noGrad, notEqual, reshape, where } from '@webpeft/tensor';
import { type ModuleOptions, valuesInit } from './init.ts';
import { Module } from './module.ts';

export interface EmbeddingOptions extends ModuleOptions {
  /** Row that is initialised to zero and never receives a gradient (HF `pad_token_id`). */
  readonly paddingIdx?: number;
}

/** Lookup table [numEmbeddings, embeddingDim]; forward maps i32 ids [...] to [..., embeddingDim]. */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    for (const [what, n] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`Embedding: ${what} must be a positive integer, got ${n}`);
    }
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) throw new ArgumentError(`Embedding: paddingIdx ${pad} is out of range for ${numEmbeddings} embeddings`);
      if (pad < 0) pad += numEmbeddings;
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = pad;
    // torch.nn.Embedding.reset_parameters: N(0, 1), padding row zeroed
    const values = (opts.generator ?? defaultGenerator()).normal(numEmbeddings * embeddingDim);
    if (pad !== null) values.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
    this.weight = this.registerParameter('weight', valuesInit(values, [numEmbeddings, embeddingDim], opts));
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'i32') throw new DTypeError(`Embedding: ids must be i32, got ${ids.dtype}`);
    const rows = gather(this.weight, ids, 0);
    if (this.paddingIdx === null || !this.weight.requiresGrad) return rows;
    // same values, but the gradient reaches the table only through non-padding positions
    const keepGrad = reshape(notEqual(ids, this.paddingIdx), [...ids.shape, 1]);
    const constant = noGrad(() => gather(this.weight, ids, 0));
    return where(keepGrad, rows, constant);
  }
}
