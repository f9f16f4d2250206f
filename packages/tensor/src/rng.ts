// Philox4x32-10 (Salmon et al., SC'11): a counter-based RNG. Element i of a draw is a pure
// function of (key, counter), so every backend regenerates the same stream bit for bit.
import { ArgumentError } from './errors.ts';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High and low 32 bits of the 64-bit product of two u32 (exact, via 16-bit halves). */
function mulhilo(a: number, b: number): [number, number] {
  const lo = Math.imul(a, b) >>> 0;
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = ((aL * bL) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = (aH * bH + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) >>> 0;
  return [hi, lo];
}

/** One Philox4x32-10 block: four u32 outputs for a 128-bit counter and a 64-bit key. */
export function philox4x32(counter: readonly [number, number, number, number], key: readonly [number, number], out: Uint32Array = new Uint32Array(4)): Uint32Array {
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const [hi0, lo0] = mulhilo(M0, c0);
    const [hi1, lo1] = mulhilo(M1, c2);
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/** A 64-bit seed (a safe integer or bigint) as the Philox key [lo, hi]. */
export function seedToKey(seed: number | bigint): [number, number] {
  const s = typeof seed === 'bigint' ? seed : BigInt(seed);
  if (typeof seed === 'number' && (!Number.isSafeInteger(seed) || seed < 0)) throw new ArgumentError(`seed must be a non-negative safe integer, got ${seed}`);
  if (s < 0n || s >= 1n << 64n) throw new ArgumentError(`seed must fit in 64 bits, got ${s}`);
  return [Number(s & 0xffffffffn), Number(s >> 32n)];
}

/**
 * `n` raw u32 values: element i comes from block counter (offset + ⌊i/4⌋, stream) lane i mod 4.
 * Counters are 64-bit (lo, hi words) so a stream never wraps in practice.
 */
export function philoxBits(key: readonly [number, number], offset: number, n: number, stream = 0): Uint32Array {
  const out = new Uint32Array(n);
  const block = new Uint32Array(4);
  for (let b = 0; b * 4 < n; b++) {
    const c = offset + b;
    philox4x32([c % 2 ** 32 >>> 0, Math.floor(c / 2 ** 32) >>> 0, stream >>> 0, 0], key, block);
    for (let j = 0; j < 4 && b * 4 + j < n; j++) out[b * 4 + j] = block[j]!;
  }
  return out;
}

/** u32 → uniform in [0, 1) with 24 bits, exact in f32 (identical on every backend). */
export function bitsToUniform(bits: number): number {
  return (bits >>> 8) * 2 ** -24;
}

/** Serializable state of a {@link Generator}: checkpoint it to resume a stream exactly. */
export interface GeneratorState {
  readonly seed: string;
  readonly offset: number;
}

/**
 * A seeded stream of Philox blocks. Each draw takes the next ⌈n/4⌉ counters, so the
 * state is just (seed, offset): cheap to checkpoint and identical on every backend.
 */
export class Generator {
  readonly key: [number, number];
  #seed: bigint;
  #offset = 0;

  constructor(seed: number | bigint = 0) {
    this.key = seedToKey(seed);
    this.#seed = BigInt(seed);
  }

  get seed(): bigint {
    return this.#seed;
  }

  get offset(): number {
    return this.#offset;
  }

  /** Reserve counters for `n` values; returns the first block counter of the draw. */
  take(n: number): number {
    const start = this.#offset;
    this.#offset += Math.ceil(n / 4);
    return start;
  }

  bits(n: number): Uint32Array {
    return philoxBits(this.key, this.take(n), n);
  }

  /** Uniform values in [low, high). */
  uniform(n: number, low = 0, high = 1): Float64Array {
    const b = this.bits(n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * bitsToUniform(b[i]!);
    return out;
  }

  /** Standard normal values (Box–Muller on pairs of 24-bit uniforms, in f64). */
  normal(n: number, mean = 0, std = 1): Float64Array {
    const b = this.bits(n + (n & 1));
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 2) {
      const u1 = ((b[i]! >>> 8) + 1) * 2 ** -24; // (0, 1]: log is finite
      const u2 = bitsToUniform(b[i + 1]!);
      const rad = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * rad * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = mean + std * rad * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }

  getState(): GeneratorState {
    return { seed: this.#seed.toString(), offset: this.#offset };
  }

  setState(state: GeneratorState): void {
    const seed = BigInt(state.seed);
    const key = seedToKey(seed);
    if (!Number.isSafeInteger(state.offset) || state.offset < 0) throw new ArgumentError(`generator state: offset must be a non-negative integer, got ${state.offset}`);
    this.key[0] = key[0];
    this.key[1] = key[1];
    this.#seed = seed;
    this.#offset = state.offset;
  }

  static fromState(state: GeneratorState): Generator {
    const g = new Generator(BigInt(state.seed));
    g.setState(state);
    return g;
  }
}

let globalGenerator = new Generator(0);

/** Reseed the default generator used when no `generator`/`seed` is given. */
export function manualSeed(seed: number | bigint): Generator {
  globalGenerator = new Generator(seed);
  return globalGenerator;
}

export function defaultGenerator(): Generator {
  return globalGenerator;
}
