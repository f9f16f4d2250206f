// Beam search against brute-force enumeration of every sequence, greedy against step-by-step
// argmax without a cache, and batched generation against one prompt at a time.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator as Rng, type Tensor, fromArray, noGrad, setBackend, slice, tidy } from '@webpeft/tensor';
import { BartForConditionalGeneration, type GenerateOptions, LlamaForCausalLM, bartGenerator, generate, llamaGenerator, logSoftmaxRow, modelFromConfig, processLogits } from '../mod.ts';

setBackend(cpuBackend());
const opts = { dtype: 'f64' as const, generator: new Rng(7) };
const llama = modelFromConfig({ model_type: 'llama', vocab_size: 6, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 16, bos_token_id: 1, eos_token_id: 2, pad_token_id: 0 }, opts) as LlamaForCausalLM;
const bart = modelFromConfig({ model_type: 'bart', vocab_size: 6, d_model: 8, encoder_layers: 1, decoder_layers: 1, encoder_attention_heads: 2, decoder_attention_heads: 2, encoder_ffn_dim: 12, decoder_ffn_dim: 12, max_position_embeddings: 16, dropout: 0 }, opts) as BartForConditionalGeneration;
bart.eval();
const i32 = (row: readonly number[]): Tensor => fromArray(row, [1, row.length], { dtype: 'i32' });

/** Next-token logits of `seq` by a full forward pass (no cache). */
function fullLogits(kind: 'llama' | 'bart', prompt: readonly number[], seq: readonly number[]): Float32Array {
  return tidy(() =>
    noGrad(() => {
      const logits = kind === 'llama' ? llama.forward({ inputIds: i32(seq) }) : bart.forward({ inputIds: i32(prompt), decoderInputIds: i32(seq) });
      const [, s, v] = logits.shape as [number, number, number];
      return Float32Array.from(slice(logits, [0, s - 1, 0], [1, s, v]).dataSync());
    }),
  );
}

interface Settings {
  readonly maxLength: number;
  readonly minLength: number;
  readonly noRepeatNgramSize: number;
  readonly forcedBosTokenId: number | null;
  readonly forcedEosTokenId: number | null;
  readonly lengthPenalty: number;
}

/** Every sequence the search could produce, scored as HF's BeamHypotheses does; the best one. */
function bruteForce(kind: 'llama' | 'bart', prompt: readonly number[], start: readonly number[], s: Settings): { seq: number[]; score: number } {
  const eos = 2;
  let best = { seq: [] as number[], score: Number.NEGATIVE_INFINITY };
  const consider = (seq: number[], sum: number, len: number) => {
    const score = sum / len ** s.lengthPenalty;
    if (score > best.score) best = { seq, score };
  };
  const visit = (seq: number[], sum: number) => {
    if (seq.length >= s.maxLength) return consider(seq, sum, seq.length);
    const scores = logSoftmaxRow(fullLogits(kind, prompt, seq), 0, 6);
    processLogits(seq, scores, { eos: [eos], ...s });
    scores.forEach((sc, t) => {
      if (sc === Number.NEGATIVE_INFINITY) return;
      if (t === eos) consider([...seq, eos], sum + sc, seq.length);
      else visit([...seq, t], sum + sc);
    });
  };
  visit([...start], 0);
  return best;
}

describe('beam search equals exhaustive search when the beam holds every live sequence', () => {
  const cases: [string, 'llama' | 'bart', number[], number[], Settings & GenerateOptions][] = [
    ['LLaMA', 'llama', [1, 4], [1, 4], { maxLength: 6, minLength: 4, noRepeatNgramSize: 2, forcedBosTokenId: null, forcedEosTokenId: null, lengthPenalty: 1.5 }],
    ['BART (forced BOS/EOS)', 'bart', [0, 4, 5, 3, 2], [2], { maxLength: 6, minLength: 3, noRepeatNgramSize: 2, forcedBosTokenId: 0, forcedEosTokenId: 2, lengthPenalty: 2 }],
  ];
  for (const [name, kind, prompt, start, s] of cases) {
    it(name, async () => {
      const expected = bruteForce(kind, prompt, start, s);
      const gen = kind === 'llama' ? llamaGenerator(llama) : bartGenerator(bart);
      const out = await generate(gen, [prompt], { ...s, numBeams: 200, earlyStopping: true });
      expect(out.sequences[0]).toEqual(expected.seq);
      expect(out.scores[0]).toBeCloseTo(expected.score, 6); // logits reach the host as f32
    });
  }
});

describe('greedy search', () => {
  it('follows the argmax of full forward passes (KV cache gives the same choices)', async () => {
    const prompt = [1, 3, 5];
    let seq = [...prompt];
    while (seq.length < 9) {
      const logits = fullLogits('llama', prompt, seq);
      const next = logits.indexOf(Math.max(...logits));
      seq = [...seq, next];
      if (next === 2) break;
    }
    const out = await generate(llamaGenerator(llama), [prompt], { maxLength: 9 });
    expect(out.sequences[0]).toEqual(seq);
  });
});

describe('batched generation', () => {
  // HF counts lengths on the left-padded batch, so beam scores of LLaMA prompts of different
  // lengths depend on their batch mates; greedy choices do not. Beam batches use equal lengths there.
  const cases = [
    ['LLaMA greedy (left padding)', llamaGenerator(llama), [[1, 4], [1, 3, 5, 4], [1]], { maxNewTokens: 5 }],
    ['LLaMA beam', llamaGenerator(llama), [[1, 4, 3], [1, 3, 5]], { maxNewTokens: 5, numBeams: 3, numReturnSequences: 2, lengthPenalty: 0.8, noRepeatNgramSize: 2 }],
    ['BART greedy', bartGenerator(bart), [[0, 4, 2], [0, 5, 3, 4, 2]], { maxNewTokens: 5 }],
    ['BART beam', bartGenerator(bart), [[0, 4, 2], [0, 5, 3, 4, 2]], { maxNewTokens: 5, numBeams: 3, numReturnSequences: 2, lengthPenalty: 0.8, noRepeatNgramSize: 2 }],
  ] as const;
  for (const [name, gen, prompts, o] of cases) {
    it(`${name}: a batch gives each prompt its own results`, async () => {
      const batched = await generate(gen, prompts, o);
      const k = 'numReturnSequences' in o ? o.numReturnSequences : 1;
      for (const [i, p] of prompts.entries()) {
        const alone = await generate(gen, [p], o);
        expect(batched.generated.slice(i * k, (i + 1) * k)).toEqual(alone.generated);
        expect(batched.sequences[i * k]!.slice(0, gen.padTokenId === 1 ? 1 : p.length)).toEqual(gen.padTokenId === 1 ? [2] : p);
      }
    });
  }
});
