// Incremental decoding for generation: each model feeds new tokens through its KV cache and
// returns the last position's logits on the host; beam search reorders the cached rows.
import { type Backend, type Tensor, fromArray, gather, keep, noGrad, slice, tidy } from '@webpeft/tensor';
import type { BartForConditionalGeneration } from '../bart/model.ts';
import { GenerationError } from '../errors.ts';
import type { LlamaForCausalLM } from '../llama/model.ts';

/** One batch of rows being decoded. */
export interface DecodingState {
  /** Feed `tokens` ([rows, width], row-major) and get the next-token logits [rows, vocab] of each row's last position. */
  step(tokens: Int32Array, width: number): Promise<Float32Array>;
  /** Keep rows `indices` in that order (beam search). */
  reorder(indices: Int32Array): void;
  dispose(): void;
}

/** A model that generates: where sequences start and how to decode them. */
export interface Generator {
  readonly vocabSize: number;
  readonly eosTokenId: number | null;
  readonly padTokenId: number | null;
  /** Start decoding `prompts`, each repeated `copies` times (beams); returns the rows' starting tokens (fed first). */
  begin(prompts: readonly (readonly number[])[], copies: number): { state: DecodingState; prefix: number[][]; promptLength: number };
}

function lastLogits(logits: Tensor): Promise<Float32Array> {
  const [rows, w, v] = logits.shape as [number, number, number];
  const last = tidy(() => keep(slice(logits, [0, w - 1, 0], [rows, w, v])));
  logits.dispose();
  return last.data().then((d) => {
    last.dispose();
    return d as Float32Array;
  });
}

function i32(values: Int32Array, shape: number[], backend: Backend): Tensor {
  return fromArray(values, shape, { dtype: 'i32', backend });
}

/** LLaMA: prompts left-padded; positions count real tokens only (HF: cumsum(mask) − 1). */
export function llamaGenerator(model: LlamaForCausalLM): Generator {
  const c = model.config;
  const backend = model.model.embedTokens.weight.backend;
  return {
    vocabSize: c.vocabSize,
    eosTokenId: c.eosTokenId,
    padTokenId: c.padTokenId,
    begin(prompts, copies) {
      if (prompts.some((p) => p.length === 0)) throw new GenerationError('LLaMA generation needs a non-empty prompt per row (at least the BOS token)');
      const width = Math.max(...prompts.map((p) => p.length));
      const pad = c.padTokenId ?? c.eosTokenId ?? 0;
      const prefix: number[][] = [];
      let mask: number[][] = [];
      for (const p of prompts) for (let k = 0; k < copies; k++) {
        prefix.push([...Array<number>(width - p.length).fill(pad), ...p]);
        mask.push([...Array<number>(width - p.length).fill(0), ...Array<number>(p.length).fill(1)]);
      }
      const cache = model.newCache();
      let real = mask.map((m) => m.reduce((a, b) => a + b, 0));
      const state: DecodingState = {
        async step(tokens, w) {
          const rows = prefix.length;
          if (cache.length > 0) mask = mask.map((m) => [...m, ...Array<number>(w).fill(1)]);
          const pos = new Int32Array(rows * w);
          for (let r = 0; r < rows; r++) {
            const m = mask[r]!;
            const start = m.length - w;
            let count = cache.length > 0 ? real[r]! : 0;
            for (let j = 0; j < w; j++) {
              if (m[start + j]) count++;
              pos[r * w + j] = m[start + j] ? count - 1 : 1;
            }
            real[r] = count;
          }
          const logits = tidy(() =>
            noGrad(() => keep(model.forward({ inputIds: i32(tokens, [rows, w], backend), attentionMask: i32(Int32Array.from(mask.flat()), [rows, mask[0]!.length], backend), positionIds: i32(pos, [rows, w], backend), cache }))),
          );
          return lastLogits(logits);
        },
        reorder(indices) {
          tidy(() => cache.reorder(i32(indices, [indices.length], backend)));
          mask = Array.from(indices, (i) => mask[i]!);
          real = Array.from(indices, (i) => real[i]!);
        },
        dispose: () => cache.dispose(),
      };
      return { state, prefix, promptLength: width };
    },
  };
}

/** BART: the encoder runs once on right-padded prompts; every row's decoder starts at decoder_start_token_id. */
export function bartGenerator(model: BartForConditionalGeneration): Generator {
  const c = model.config;
  const backend = model.model.shared.weight.backend;
  return {
    vocabSize: c.vocabSize,
    eosTokenId: c.eosTokenId,
    padTokenId: c.padTokenId,
    begin(prompts, copies) {
      const width = Math.max(1, ...prompts.map((p) => p.length));
      const ids = new Int32Array(prompts.length * width).fill(c.padTokenId);
      const m = new Int32Array(prompts.length * width);
      prompts.forEach((p, b) => {
        ids.set(p, b * width);
        m.fill(1, b * width, b * width + p.length);
      });
      const expand = i32(Int32Array.from({ length: prompts.length * copies }, (_, r) => Math.floor(r / copies)), [prompts.length * copies], backend);
      let encoderMask = tidy(() => keep(gather(i32(m, [prompts.length, width], backend), expand, 0)));
      let encoderStates = tidy(() => noGrad(() => keep(gather(model.encode(i32(ids, [prompts.length, width], backend), i32(m, [prompts.length, width], backend)), expand, 0))));
      expand.dispose();
      const cache = model.newCache();
      const rows = prompts.length * copies;
      const state: DecodingState = {
        async step(tokens, w) {
          const logits = tidy(() => noGrad(() => keep(model.logits(model.decode(i32(tokens, [rows, w], backend), encoderStates, { encoderMask, cache })))));
          return lastLogits(logits);
        },
        reorder(indices) {
          tidy(() => {
            const idx = i32(indices, [indices.length], backend);
            cache.self.reorder(idx);
            cache.cross.reorder(idx);
            const s = keep(gather(encoderStates, idx, 0));
            const mk = keep(gather(encoderMask, idx, 0));
            encoderStates.dispose();
            encoderMask.dispose();
            encoderStates = s;
            encoderMask = mk;
          });
        },
        dispose() {
          cache.self.dispose();
          cache.cross.dispose();
          encoderStates.dispose();
          encoderMask.dispose();
        },
      };
      return { state, prefix: Array.from({ length: rows }, () => [c.decoderStartTokenId]), promptLength: 1 };
    },
  };
}
