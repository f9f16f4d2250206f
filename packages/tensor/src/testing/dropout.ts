// Dropout masks must equal the host Philox stream bit for bit on every backend.
import type { Backend } from '../backend.ts';
import { fromArray, tidy } from '../engine.ts';
import { dropoutMask } from '../ops/random.ts';
import { Generator, philoxBits } from '../rng.ts';
import { ConformanceError } from './compare.ts';

/** Shapes × drop rates checked against the reference mask computed from `philoxBits`. */
export const DROPOUT_CASES: readonly { shape: readonly number[]; p: number; seed: number }[] = [
  { shape: [1], p: 0.5, seed: 1 },
  { shape: [7, 13], p: 0.1, seed: 2 },
  { shape: [3, 5, 17], p: 0.9, seed: 2 ** 40 + 3 },
  { shape: [1031], p: 0.25, seed: 4 },
];

export async function checkDropoutMasks(backend: Backend, dtype: 'f32' | 'f64' = 'f32'): Promise<void> {
  for (const { shape, p, seed } of DROPOUT_CASES) {
    const n = shape.reduce((a, d) => a * d, 1);
    const gen = new Generator(seed);
    gen.take(10); // start mid-stream, as a training run would
    const offset = gen.offset;
    let read: Promise<ArrayLike<number>> = Promise.resolve([]);
    tidy(() => {
      read = dropoutMask(fromArray(new Array<number>(n).fill(0), shape, { dtype, backend }), p, gen).data();
    });
    const mask = await read;
    const bits = philoxBits(new Generator(seed).key, offset, n);
    const threshold = Math.round(p * 2 ** 24);
    const scale = dtype === 'f32' ? Math.fround(1 / (1 - p)) : 1 / (1 - p);
    for (let i = 0; i < n; i++) {
      const want = bits[i]! >>> 8 < threshold ? 0 : scale;
      if (mask[i] !== want) throw new ConformanceError(`dropoutMask [${shape}] p=${p} seed=${seed}: element ${i} is ${mask[i]}, expected ${want}`);
    }
  }
}
