// Generation settings with Hugging Face names and semantics (GenerationConfig): lengths count
// the whole sequence (prompt or decoder start token included), as transformers does.
import type { ConfigReader } from '../_config.ts';

/** Beam-search stopping rule (HF `early_stopping`): true, false (heuristic) or 'never' (exact). */
export type EarlyStopping = boolean | 'never';

/** Defaults a checkpoint's config.json / generation_config.json set. */
export interface GenerationDefaults {
  readonly numBeams?: number;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly lengthPenalty?: number;
  readonly earlyStopping?: EarlyStopping;
  readonly noRepeatNgramSize?: number;
  readonly forcedBosTokenId?: number | null;
  readonly forcedEosTokenId?: number | null;
}

export interface GenerateOptions extends GenerationDefaults {
  /** Upper bound on generated tokens; overrides maxLength (HF `max_new_tokens`). */
  readonly maxNewTokens?: number;
  /** End-of-sequence token(s) (default: the model's). */
  readonly eosTokenId?: number | readonly number[] | null;
  /** Token that fills finished rows (default: the model's pad, else the first eos). */
  readonly padTokenId?: number | null;
  /** Hypotheses returned per prompt (≤ numBeams; HF `num_return_sequences`). */
  readonly numReturnSequences?: number;
}

export function parseGenerationDefaults(r: ConfigReader): GenerationDefaults {
  const out: { -readonly [K in keyof GenerationDefaults]: GenerationDefaults[K] } = {};
  if (r.has('num_beams')) out.numBeams = r.int('num_beams');
  if (r.has('max_length')) out.maxLength = r.int('max_length');
  if (r.has('min_length')) out.minLength = r.int('min_length', 0, 0);
  if (r.has('length_penalty')) out.lengthPenalty = r.number('length_penalty');
  if (r.has('early_stopping')) out.earlyStopping = r.json['early_stopping'] === 'never' ? 'never' : r.bool('early_stopping', false);
  if (r.has('no_repeat_ngram_size')) out.noRepeatNgramSize = r.int('no_repeat_ngram_size', 0, 0);
  if (r.json['forced_bos_token_id'] !== undefined) out.forcedBosTokenId = r.tokenId('forced_bos_token_id');
  if (r.json['forced_eos_token_id'] !== undefined) out.forcedEosTokenId = r.tokenId('forced_eos_token_id');
  return out;
}
