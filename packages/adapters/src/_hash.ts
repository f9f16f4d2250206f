// Stable 64-bit hashes (FNV-1a) for per-factor seeds and base-model fingerprints: the same string
// gives the same value in every runtime, so a factor's random init can be regenerated from its seed.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** FNV-1a over UTF-8 bytes, as an unsigned 64-bit bigint. */
export function fnv1a64(text: string, seed: bigint = FNV_OFFSET): bigint {
  let h = seed;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK;
  }
  return h;
}

/** Continue a hash over raw bytes. */
export function fnv1a64Bytes(bytes: Uint8Array, seed: bigint = FNV_OFFSET): bigint {
  let h = seed;
  for (const byte of bytes) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK;
  }
  return h;
}

/** The Philox seed of one factor: a pure function of (adapter seed, module path, factor name). */
export function factorSeed(seed: number, path: string, factor: string): bigint {
  return fnv1a64(`webpeft:${seed}:${path}:${factor}`);
}
