// Tokenizers from tokenizer.json through @huggingface/tokenizers (pure JS, offline: it takes the
// parsed JSON, nothing is fetched), behind a small interface the rest of webpeft uses.
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenizerMismatchError } from './errors.ts';

export interface EncodeOptions {
  /** Add the model's special tokens (<s> … </s>, BOS) as the post-processor says (default true). */
  readonly addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  readonly skipSpecialTokens?: boolean;
}

/** What models need of a tokenizer. */
export interface TextTokenizer {
  /** One more than the largest token id (added tokens included). */
  readonly vocabSize: number;
  encode(text: string, opts?: EncodeOptions): number[];
  decode(ids: readonly number[], opts?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  /** The parsed tokenizer.json and tokenizer_config.json, for saving. */
  readonly files: { readonly tokenizer: unknown; readonly config: unknown };
}

/** A tokenizer from parsed tokenizer.json (and tokenizer_config.json, {} when absent). */
export function tokenizerFromJson(tokenizerJson: unknown, tokenizerConfig: unknown = {}): TextTokenizer {
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null) throw new TokenizerMismatchError('tokenizer.json: expected a JSON object');
  const inner = new Tokenizer(tokenizerJson as object, (tokenizerConfig ?? {}) as object);
  let vocabSize = 0;
  for (const id of inner.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);
  return {
    vocabSize,
    encode: (text, opts = {}) => {
      const { ids, tokens } = inner.encode(text, { add_special_tokens: opts.addSpecialTokens ?? true });
      // @huggingface/tokenizers 0.2 yields undefined for out-of-vocabulary WordLevel tokens instead of the unk id
      const bad = ids.findIndex((id) => typeof id !== 'number');
      if (bad >= 0) throw new TokenizerMismatchError(`tokenizer.json: token ${JSON.stringify(tokens[bad])} of ${JSON.stringify(text)} has no id (out of vocabulary and no usable unk_token)`);
      return ids;
    },
    decode: (ids, opts = {}) => inner.decode([...ids], { skip_special_tokens: opts.skipSpecialTokens ?? false }),
    tokenToId: (token) => inner.token_to_id(token),
    files: { tokenizer: tokenizerJson, config: tokenizerConfig ?? {} },
  };
}

/** Every id the tokenizer can produce must index the embedding table (vocab_size rows). */
export function checkTokenizerFits(tokenizer: TextTokenizer, vocabSize: number, file = 'tokenizer.json'): void {
  if (tokenizer.vocabSize > vocabSize) {
    throw new TokenizerMismatchError(`${file}: the tokenizer has ids up to ${tokenizer.vocabSize - 1}, but the model's vocab_size is ${vocabSize} (config.json); the tokenizer belongs to another model`);
  }
}
