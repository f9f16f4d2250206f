// Stanford Alpaca data (`alpaca_data.json`: a JSON array of {instruction, input, output}) and its
// prompt template, verbatim from tatsu-lab/stanford_alpaca train.py (commit 761dc5bf) PROMPT_DICT.
import { DataFormatError } from './errors.ts';
import { type TextSource, readText } from './text-source.ts';

export const ALPACA_PROMPT_INPUT =
  'Below is an instruction that describes a task, paired with an input that provides further context. ' +
  'Write a response that appropriately completes the request.\n\n' +
  '### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:';

export const ALPACA_PROMPT_NO_INPUT =
  'Below is an instruction that describes a task. ' +
  'Write a response that appropriately completes the request.\n\n' +
  '### Instruction:\n{instruction}\n\n### Response:';

export interface AlpacaExample {
  readonly instruction: string;
  readonly input: string;
  readonly output: string;
  /** 1-based line where the record starts in the file. */
  readonly line?: number;
}

/** The prompt Alpaca trains on: PROMPT_DICT["prompt_input"] when `input` is non-empty, else "prompt_no_input". */
export function alpacaPrompt(example: Pick<AlpacaExample, 'instruction' | 'input'>): string {
  const template = example.input !== '' ? ALPACA_PROMPT_INPUT : ALPACA_PROMPT_NO_INPUT;
  // One pass, like Python's str.format_map: braces inside the substituted text stay as they are.
  return template.replace(/\{(instruction|input)\}/g, (_, key: 'instruction' | 'input') => example[key]);
}

/** Offsets of the top-level array elements of a JSON text (to name the line of a bad record). */
function elementOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (depth === 1 && expectValue && ch !== ']') {
      out.push(i);
      expectValue = false;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 1) expectValue = true;
  }
  return out;
}

const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/** Where the engine's message gives no position (V8 before Node 22): the line of the first top-level element that does not parse. */
function badElementLine(text: string): number | undefined {
  const offsets = elementOffsets(text);
  for (let i = 0; i < offsets.length; i++) {
    const end = i + 1 < offsets.length ? offsets[i + 1]! : text.lastIndexOf(']');
    const piece = text.slice(offsets[i], end > offsets[i]! ? end : undefined).trim().replace(/,$/, '');
    try {
      JSON.parse(piece);
    } catch {
      return lineAt(text, offsets[i]!);
    }
  }
  return undefined;
}

/** Parse an Alpaca-format JSON array; errors name the file and the line of the bad record. */
export function parseAlpacaJson(text: string, file: string): AlpacaExample[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const line = pos ? lineAt(text, Number(pos[1])) : /line (\d+)/.exec(message)?.[1] ?? badElementLine(text);
    throw new DataFormatError(file, line === undefined ? undefined : Number(line), `invalid JSON: ${message}`);
  }
  if (!Array.isArray(data)) throw new DataFormatError(file, 1, `expected a JSON array of {instruction, input, output}, got ${data === null ? 'null' : typeof data}`);
  const offsets = elementOffsets(text);
  return data.map((rec: unknown, i) => {
    const line = offsets[i] === undefined ? undefined : lineAt(text, offsets[i]!);
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new DataFormatError(file, line, `record ${i}: expected an object {instruction, input, output}`);
    const r = rec as Record<string, unknown>;
    for (const key of ['instruction', 'output'] as const) {
      if (typeof r[key] !== 'string') throw new DataFormatError(file, line, `record ${i}: '${key}' must be a string, got ${r[key] === undefined ? 'nothing' : typeof r[key]}`);
    }
    if (r['input'] !== undefined && typeof r['input'] !== 'string') throw new DataFormatError(file, line, `record ${i}: 'input' must be a string, got ${typeof r['input']}`);
    const ex: AlpacaExample = { instruction: r['instruction'] as string, input: (r['input'] as string | undefined) ?? '', output: r['output'] as string };
    return line === undefined ? ex : { ...ex, line };
  });
}

/** Read and parse an Alpaca JSON file from any text source. */
export async function readAlpacaJson(source: TextSource, file: string): Promise<AlpacaExample[]> {
  return parseAlpacaJson(await readText(source), file);
}
