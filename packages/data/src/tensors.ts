// Plain typed-array batches → tensors on a chosen backend (int32 ids/labels, float32 pixels).
import { type Backend, type Tensor, fromArray } from '@webpeft/tensor';
import type { TokenBatch } from './collate.ts';
import type { ImageBatch } from './mnist.ts';

/** Tensors of a TokenBatch: the same keys, each on `backend` (default: the current backend). */
export interface TokenBatchTensors {
  readonly inputIds: Tensor;
  readonly attentionMask: Tensor;
  readonly labels?: Tensor;
  readonly decoderInputIds?: Tensor;
  readonly decoderAttentionMask?: Tensor;
  readonly classLabels?: Tensor;
}

export function tokenBatchToTensors(batch: TokenBatch, backend?: Backend): TokenBatchTensors {
  const opts = backend ? { backend } : {};
  const i32 = (data: Int32Array, shape: readonly number[]): Tensor => fromArray(data, shape, { ...opts, dtype: 'i32' });
  const out: { -readonly [K in keyof TokenBatchTensors]: TokenBatchTensors[K] } = {
    inputIds: i32(batch.inputIds, batch.shape),
    attentionMask: i32(batch.attentionMask, batch.shape),
  };
  const labelShape = batch.labelShape ?? batch.shape;
  if (batch.labels) out.labels = i32(batch.labels, labelShape);
  if (batch.decoderInputIds) out.decoderInputIds = i32(batch.decoderInputIds, labelShape);
  if (batch.decoderAttentionMask) out.decoderAttentionMask = i32(batch.decoderAttentionMask, labelShape);
  if (batch.classLabels) {
    const n = [batch.classLabels.length];
    out.classLabels = batch.classLabels instanceof Float32Array ? fromArray(batch.classLabels, n, { ...opts, dtype: 'f32' }) : i32(batch.classLabels, n);
  }
  return out;
}

/** An image batch as `x` f32 [N, C, H, W] and `y` i32 [N]. */
export function imageBatchToTensors(batch: ImageBatch, backend?: Backend): { readonly x: Tensor; readonly y: Tensor } {
  const opts = backend ? { backend } : {};
  return { x: fromArray(batch.x, batch.xShape, { ...opts, dtype: 'f32' }), y: fromArray(batch.y, [batch.y.length], { ...opts, dtype: 'i32' }) };
}
