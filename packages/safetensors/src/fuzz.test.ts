// Seeded fuzzing of the reader: thousands of mutated files (bit flips, truncations, length
// prefixes, random offsets and shapes, JSON junk, deep nesting). Each must either load — and
// then load the same way through the lazy reader and survive a write/read round trip — or
// throw SafetensorsError. Any other error, a read outside the source, or a slow case fails.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SAFETENSORS_DTYPES, dtypeBits, dtypeToFile } from './dtype.ts';
import { SafetensorsError } from './errors.ts';
import { type SafetensorsTensor, loadSafetensors, openSafetensors } from './file.ts';
import { parseSafetensorsHeader } from './format.ts';
import { type TensorInput, serializeSafetensors } from './serialize.ts';
import { type ByteSource, bytesSource } from './source.ts';

const CASES = 8000;
const SEED = 0x5afe7e45;

/** mulberry32: a small seeded PRNG, so every run fuzzes the same files. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}
const rng = prng(SEED);

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${p}`, import.meta.url)));
const BASES: Uint8Array[] = [
  fixture('iree/multiple.safetensors'),
  fixture('iree/parameters_dynamic.safetensors'),
  fixture('hf-samples/overall.safetensors'),
  fixture('torch/dtypes.safetensors'),
  ...Array.from({ length: 12 }, randomValidFile),
];

function randomValidFile(): Uint8Array {
  const tensors: Record<string, TensorInput> = {};
  for (let i = 0, n = 1 + rng.int(5); i < n; i++) {
    const dtype = rng.pick(SAFETENSORS_DTYPES);
    const shape = Array.from({ length: rng.int(4) }, () => rng.int(4));
    const numel = shape.reduce((a, b) => a * b, 1);
    if ((numel * dtypeBits(dtype)) % 8) shape.push(4); // f4, f6: fill whole bytes
    const bytes = new Uint8Array((shape.reduce((a, b) => a * b, 1) * dtypeBits(dtype)) / 8).map(() => rng.int(256));
    tensors[`t${i}.${rng.pick(['w', 'lora_A', 'é', '"q"', ''])}`] = { dtype, shape, data: bytes };
  }
  return serializeSafetensors(tensors, rng.next() < 0.5 ? { format: 'pt', k: String(rng.int(100)) } : undefined);
}

const headerText = (b: Uint8Array) => new TextDecoder().decode(b.subarray(8, 8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true))));
const dataOf = (b: Uint8Array) => b.subarray(8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true)));

function withHeader(text: string, data: Uint8Array, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const BIG_INTS = ['9007199254740991', '9007199254740992', '18446744073709551615', '99999999999999999999999', '1e3', '1.0', '-0', '-1', '0.5'];
const INTERESTING_LENGTHS = [0n, 1n, 2n, 7n, 8n, 2n ** 31n, 2n ** 32n, 100_000_000n, 100_000_001n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

function junk(depth = 0): unknown {
  switch (rng.int(depth > 2 ? 6 : 9)) {
    case 0: return rng.int(2 ** 20) - 10;
    case 1: return rng.pick([1.5, -1, 2 ** 53, 2 ** 60, 1e300, 0]);
    case 2: return rng.pick(['F32', 'f32', 'BF16', 'F8_E4M3', 'C64', 'F4', 'U64', 'X', '', '\u0000']);
    case 3: return null;
    case 4: return rng.next() < 0.5;
    case 5: return `@@${rng.pick(BIG_INTS)}@@`; // replaced by a raw number token below
    case 6: return Array.from({ length: rng.int(4) }, () => junk(depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: rng.int(3) }, (_, i) => [`k${i}`, junk(depth + 1)]));
    default: return [rng.int(64), rng.int(64)];
  }
}

/** Mutate the parsed header: offsets, shapes, dtypes, fields, metadata; then re-encode it. */
function mutateStructure(base: Uint8Array): Uint8Array {
  const header = JSON.parse(headerText(base)) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  for (let m = 0, n = 1 + rng.int(3); m < n; m++) {
    const name = names.length ? rng.pick(names) : 'x';
    const entry = (header[name] ??= { dtype: 'F32', shape: [1], data_offsets: [0, 4] });
    switch (rng.int(10)) {
      case 8: { const o = (Array.isArray(entry.data_offsets) ? entry.data_offsets : [0, 0]) as number[]; const d = rng.pick([-8, -4, -2, -1, 1, 2, 4, 8]); entry.data_offsets = [o[0]! + d, o[1]! + d]; break; }
      case 0: entry.data_offsets = [rng.int(300), rng.int(300)]; break;
      case 1: { const o = (Array.isArray(entry.data_offsets) ? entry.data_offsets : [0, 0]) as number[]; entry.data_offsets = [o[0]! + rng.int(9) - 4, o[1]! + rng.int(9) - 4]; break; }
      case 2: entry.shape = Array.from({ length: rng.int(5) }, () => rng.pick([0, 1, 3, 2 ** 26, 2 ** 31, rng.int(100)])); break;
      case 3: entry.dtype = rng.pick([...SAFETENSORS_DTYPES.map(dtypeToFile), 'f32', 'I128', 'Q4']); break;
      case 4: entry[rng.pick(['dtype', 'shape', 'data_offsets', 'extra'])] = junk(); break;
      case 5: delete entry[rng.pick(['dtype', 'shape', 'data_offsets'])]; break;
      case 6: header.__metadata__ = junk() as Record<string, unknown>; break;
      case 7: header[`extra${rng.int(3)}`] = junk() as Record<string, unknown>; break;
      default: if (names.length > 1) [header[names[0]!]!.data_offsets, header[names[1]!]!.data_offsets] = [header[names[1]!]!.data_offsets, header[names[0]!]!.data_offsets];
    }
  }
  let text = JSON.stringify(header).replace(/"@@([^@]*)@@"/g, '$1');
  if (rng.next() < 0.1 && names.length) text = text.replace('{', `{${JSON.stringify(names[0])}:{},`); // duplicate key
  let data = dataOf(base);
  if (rng.next() < 0.2) data = data.subarray(0, rng.int(data.length + 1));
  return withHeader(text, data);
}

const MUTATORS: [string, (b: Uint8Array) => Uint8Array][] = [
  ['bit flips', (b) => {
    const out = b.slice();
    const span = Math.min(out.length, 8 + headerText(b).length + 16);
    for (let i = 0, n = 1 + rng.int(8); i < n; i++) out[rng.int(span)]! ^= 1 << rng.int(8);
    return out;
  }],
  ['byte sets', (b) => {
    const out = b.slice();
    for (let i = 0, n = 1 + rng.int(4); i < n; i++) out[8 + rng.int(Math.max(1, out.length - 8))] = rng.pick([0, 0xff, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x39, 0x2d, 0x2e, 0x65, 0x5c, 0x80, 0xc3]);
    return out;
  }],
  ['truncation', (b) => b.slice(0, rng.int(b.length))],
  ['trailing garbage', (b) => {
    const out = new Uint8Array(b.length + 1 + rng.int(64));
    out.set(b);
    return out;
  }],
  ['length prefix', (b) => {
    const out = b.slice();
    const n = BigInt(headerText(b).length);
    const len = rng.pick([...INTERESTING_LENGTHS, n - 1n, n + 1n, n + 8n, BigInt(b.length - 8), BigInt(b.length - 7), BigInt(rng.int(2 ** 30))]);
    new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, len), true);
    return out;
  }],
  ['structure', mutateStructure],
  ['structure again', mutateStructure],
  ['text edits', (b) => {
    const text = [...headerText(b)];
    for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
      const at = rng.int(text.length + 1);
      const op = rng.int(3);
      const ch = rng.pick(['{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', 'e', '.', ' ', 'null', '\\u', '\ud83d\ude00', '\u0001', '"__metadata__"']);
      if (op === 0) text.splice(at, 0, ch);
      else if (op === 1) text.splice(at, 1);
      else text[at] = ch;
    }
    return withHeader(text.join(''), dataOf(b), rng.next() < 0.2 ? BigInt(rng.int(400)) : undefined);
  }],
  ['deep nesting', () => {
    const depth = rng.pick([127, 128, 129, 1000, 100_000]);
    const open = rng.pick(['[', '{"a":']);
    const close = open === '[' ? ']' : '}';
    return withHeader(`{"x":${open.repeat(depth)}${rng.next() < 0.5 ? close.repeat(depth) : ''}}`, new Uint8Array(0));
  }],
];

/** A source that fails the test on any read outside [0, size). */
function strictSource(bytes: Uint8Array): ByteSource {
  const inner = bytesSource(bytes);
  return {
    size: bytes.length,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > bytes.length) throw new Error(`read [${offset}, ${offset + length}) outside a ${bytes.length}-byte file`);
      return inner.read(offset, length);
    },
  };
}

type Outcome = { ok: Map<string, SafetensorsTensor> } | { code: string };

function outcomeOf(fn: () => Map<string, SafetensorsTensor>, label: string): Outcome {
  try {
    return { ok: fn() };
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw new Error(`${label}: threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`);
    return { code: error.code };
  }
}

it(`fuzz: ${CASES} mutated files load or throw SafetensorsError, consistently`, async () => {
  const codes = new Map<string, number>();
  let slowest = 0;
  const started = performance.now();
  for (let i = 0; i < CASES; i++) {
    const [kind, mutate] = MUTATORS[i % MUTATORS.length]!;
    const bytes = mutate(rng.pick(BASES));
    const label = `case ${i} (${kind})`;
    const t0 = performance.now();
    const sync = outcomeOf(() => loadSafetensors(bytes), label);
    const key = 'code' in sync ? sync.code : 'ok';
    codes.set(key, (codes.get(key) ?? 0) + 1);
    if ('ok' in sync) {
      // A file that loads must survive a round trip through the writer unchanged.
      const metadata = parseSafetensorsHeader(bytes).metadata;
      expect(loadSafetensors(serializeSafetensors(sync.ok, metadata)), label).toEqual(sync.ok);
    }
    if (i % 5 === 0) {
      // The lazy reader agrees with the in-memory one and never reads outside the file.
      let lazy: Outcome;
      try {
        const file = await openSafetensors(strictSource(bytes));
        lazy = { ok: new Map(await Promise.all(file.names().map(async (n) => [n, await file.read(n)] as const))) };
      } catch (error) {
        if (!(error instanceof SafetensorsError)) throw new Error(`${label} (lazy): ${(error as Error).message}`);
        lazy = { code: error.code };
      }
      expect(lazy, label).toEqual(sync);
    }
    slowest = Math.max(slowest, performance.now() - t0);
  }
  const elapsed = performance.now() - started;
  console.info(`fuzz: ${CASES} cases in ${elapsed.toFixed(0)} ms (slowest ${slowest.toFixed(1)} ms):`, Object.fromEntries([...codes].sort((a, b) => b[1] - a[1])));
  expect(codes.get('ok') ?? 0).toBeGreaterThan(CASES / 50); // some mutations stay valid
  expect(codes.size).toBeGreaterThanOrEqual(14); // and many different rules fire
  expect(slowest).toBeLessThan(1000);
}, 60_000);
