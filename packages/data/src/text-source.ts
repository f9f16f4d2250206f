// Runtime-neutral text input: a whole string, bytes, or a (async) stream of chunks. Readers
// iterate lines lazily so a multi-GB TSV/JSONL never has to sit in memory at once.

/** A whole text, its bytes, or chunks of either (e.g. a Node `ReadStream`, a `ReadableStream`). */
export type TextSource = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** One line of a text file without its terminator; `line` is 1-based. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

async function* chunksOf(source: TextSource): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield source;
    return;
  }
  const decoder = new TextDecoder('utf-8');
  if (source instanceof Uint8Array) {
    yield decoder.decode(source);
    return;
  }
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** Lines split on `\n` (a trailing `\r` is dropped); a leading BOM is removed; no empty last line. */
export async function* readLines(source: TextSource): AsyncGenerator<NumberedLine> {
  let pending = '';
  let line = 0;
  let first = true;
  for await (let chunk of chunksOf(source)) {
    if (first && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    pending += chunk;
    let start = 0;
    for (let nl = pending.indexOf('\n', start); nl !== -1; nl = pending.indexOf('\n', start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: pending.slice(start, end), line: ++line };
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  if (pending.length > 0) yield { text: pending.endsWith('\r') ? pending.slice(0, -1) : pending, line: ++line };
}

/** The whole text of a source (for formats that are one JSON document, like Alpaca). */
export async function readText(source: TextSource): Promise<string> {
  let out = '';
  for await (const chunk of chunksOf(source)) out += chunk;
  return out.charCodeAt(0) === 0xfeff ? out.slice(1) : out;
}
