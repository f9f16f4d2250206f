// Seeded host-side randomness for the Monte-Carlo checks of §4: a small, fast generator
// (xoshiro128**, seeded through splitmix32), Gaussian matrices, and Haar-random orthonormal
// frames (uniform on the Stiefel manifold, via QR of a Gaussian with sign-fixed R).
import { AnalysisError } from './errors.ts';
import { type Matrix, type MatrixLike, matmul, shapeOf, transpose, zeros } from './matrix.ts';
import { qr } from './svd.ts';

/** A seeded stream of random numbers. */
export interface Rng {
  /** Uniform on [0, 1), 53 random bits. */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** A reproducible generator: the same seed (any integer) gives the same stream on every platform. */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new AnalysisError(`createRng: seed must be an integer, got ${seed}`);
  let h = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  const splitmix = (): number => {
    h = (h + 0x9e3779b9) | 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = new Uint32Array([splitmix(), splitmix(), splitmix(), splitmix()]);
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  let spare: number | null = null;
  const uniform = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  return {
    uniform,
    normal(): number {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const radius = Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * uniform();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function checkDims(name: string, ...dims: number[]): void {
  for (const d of dims) if (!Number.isInteger(d) || d < 1) throw new AnalysisError(`${name}: sizes must be positive integers, got ${dims.join('×')}`);
}

/** A rows×cols matrix of independent N(0, std²) entries. */
export function gaussianMatrix(rows: number, cols: number, rng: Rng, std = 1): Matrix {
  checkDims('gaussianMatrix', rows, cols);
  const out = zeros(rows, cols);
  for (const row of out) for (let j = 0; j < cols; j++) row[j] = std * rng.normal();
  return out;
}

/**
 * An n×k matrix with orthonormal columns (UᵀU = I_k), uniform (Haar) on the Stiefel manifold:
 * the Q of a Gaussian's QR with diag(R) > 0. Use it for B = U (d_out×r); for A = Q (r×d_in,
 * QQᵀ = I_r) use `randomOrthonormalRows`.
 */
export function randomStiefel(n: number, k: number, rng: Rng): Matrix {
  checkDims('randomStiefel', n, k);
  if (k > n) throw new AnalysisError(`randomStiefel: need k ≤ n for orthonormal columns, got n=${n}, k=${k}`);
  return qr(gaussianMatrix(n, k, rng)).Q;
}

/** An r×d matrix with orthonormal rows (Q·Qᵀ = I_r), uniform on the Stiefel manifold. */
export function randomOrthonormalRows(r: number, d: number, rng: Rng): Matrix {
  return transpose(randomStiefel(d, r, rng));
}

/** V·diag(eigenvalues)·Vᵀ with V Haar-random orthogonal: a covariance with the given spectrum and random eigenvectors. */
export function randomCovariance(eigenvalues: readonly number[], rng: Rng): Matrix {
  const d = eigenvalues.length;
  checkDims('randomCovariance', d);
  if (eigenvalues.some((e) => !(e >= 0) || !Number.isFinite(e))) throw new AnalysisError('randomCovariance: eigenvalues must be finite and ≥ 0');
  const v = randomStiefel(d, d, rng);
  const vl = v.map((row) => row.map((x, j) => x * eigenvalues[j]!));
  const out = matmul(vl, transpose(v));
  return symmetrize(out);
}

/** (m + mᵀ)/2 for a square m (removes rounding asymmetry). */
export function symmetrize(m: MatrixLike): Matrix {
  const [n] = shapeOf(m);
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i]![j] = (m[i]![j]! + m[j]![i]!) / 2;
  return out;
}
