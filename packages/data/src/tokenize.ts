// Turning text examples into token ids and loss labels, the way the reference training scripts do:
// Stanford Alpaca's `preprocess` for instruction tuning, HF seq2seq (BART) and sequence classification.
import { DataError } from './errors.ts';

/** The small tokenizer surface the batching needs (e.g. a wrapper over `@huggingface/tokenizers`). */
export interface Tokenizer {
  /** Token ids of `text` without special tokens. */
  encode(text: string): ArrayLike<number>;
  readonly padId: number;
  readonly bosId?: number | undefined;
  readonly eosId?: number | undefined;
}

/** Label value ignored by the loss (PyTorch `CrossEntropyLoss(ignore_index=-100)`, Alpaca's IGNORE_INDEX). */
export const IGNORE_INDEX = -100;

/** Token ids plus per-token labels (IGNORE_INDEX where no loss is taken). */
export interface TokenizedExample {
  readonly inputIds: readonly number[];
  readonly labels: readonly number[];
}

/** Token ids plus one class label (or a regression target such as STS-B's score). */
export interface ClassificationExample {
  readonly inputIds: readonly number[];
  readonly label: number;
}

export interface SpecialTokenOptions {
  /** Prepend `bosId` (default: when the tokenizer has one). */
  readonly addBos?: boolean;
  /** Append `eosId` (default: when the tokenizer has one). */
  readonly addEos?: boolean;
  /** Truncate to this many tokens (after special tokens). */
  readonly maxLength?: number;
}

function special(tok: Tokenizer, opts: SpecialTokenOptions): { bos: number[]; eos: number[] } {
  const wantBos = opts.addBos ?? tok.bosId !== undefined;
  const wantEos = opts.addEos ?? tok.eosId !== undefined;
  if (wantBos && tok.bosId === undefined) throw new DataError('addBos: the tokenizer has no bosId');
  if (wantEos && tok.eosId === undefined) throw new DataError('addEos: the tokenizer has no eosId');
  return { bos: wantBos ? [tok.bosId!] : [], eos: wantEos ? [tok.eosId!] : [] };
}

function truncate(ids: number[], maxLength: number | undefined): number[] {
  if (maxLength === undefined) return ids;
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new DataError(`maxLength must be a positive integer, got ${maxLength}`);
  return ids.length > maxLength ? ids.slice(0, maxLength) : ids;
}

/**
 * Causal-LM instruction example as Stanford Alpaca's `preprocess` builds it: the ids of
 * `prompt + response` (+ EOS), and labels equal to the ids with the first len(prompt ids)
 * positions set to -100, so only the response is learned. `jointly: false` encodes prompt and
 * response separately (exact boundary even for tokenizers that merge across it).
 * Labels are aligned with the inputs (HF convention: the model shifts); see `collateCausal`'s `shiftLabels`.
 */
export function encodeInstruction(tok: Tokenizer, prompt: string, response: string, opts: SpecialTokenOptions & { readonly jointly?: boolean } = {}): TokenizedExample {
  const { bos, eos } = special(tok, opts);
  const promptIds = [...bos, ...Array.from(tok.encode(prompt))];
  const ids = opts.jointly === false ? [...promptIds, ...Array.from(tok.encode(response)), ...eos] : [...bos, ...Array.from(tok.encode(prompt + response)), ...eos];
  const inputIds = truncate(ids, opts.maxLength);
  const sourceLen = Math.min(promptIds.length, inputIds.length);
  const labels = inputIds.map((id, i) => (i < sourceLen ? IGNORE_INDEX : id));
  return { inputIds, labels };
}

/** Plain causal-LM example: every token is a target. */
export function encodeCausal(tok: Tokenizer, text: string, opts: SpecialTokenOptions = {}): TokenizedExample {
  const { bos, eos } = special(tok, opts);
  const inputIds = truncate([...bos, ...Array.from(tok.encode(text)), ...eos], opts.maxLength);
  return { inputIds, labels: inputIds.slice() };
}

/** Seq2seq example (BART-style): source ids `<s> src </s>`, target labels `<s> tgt </s>` (specials per options). */
export function encodeSeq2Seq(tok: Tokenizer, source: string, target: string, opts: SpecialTokenOptions & { readonly maxTargetLength?: number } = {}): TokenizedExample {
  const { bos, eos } = special(tok, opts);
  const inputIds = truncate([...bos, ...Array.from(tok.encode(source)), ...eos], opts.maxLength);
  const labels = truncate([...bos, ...Array.from(tok.encode(target)), ...eos], opts.maxTargetLength);
  return { inputIds, labels };
}

/**
 * Sentence (pair) classification example. A pair is joined RoBERTa-style — `<s> A </s></s> B </s>` —
 * or with `separator` ids in place of `</s></s>`.
 */
export function encodeClassification(tok: Tokenizer, textA: string, textB: string | undefined, label: number, opts: SpecialTokenOptions & { readonly separator?: readonly number[] } = {}): ClassificationExample {
  const { bos, eos } = special(tok, opts);
  const a = Array.from(tok.encode(textA));
  const ids = textB === undefined ? [...bos, ...a, ...eos] : [...bos, ...a, ...(opts.separator ?? [...eos, ...eos]), ...Array.from(tok.encode(textB)), ...eos];
  return { inputIds: truncate(ids, opts.maxLength), label };
}
