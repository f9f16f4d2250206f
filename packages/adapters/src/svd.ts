// Host-side thin SVD in f64 by one-sided Jacobi (Hestenes 1958; Demmel & Veselić 1992): rotate pairs
// of columns until all are orthogonal; their norms are the singular values. Exact to f64 rounding and
// deterministic, so an `svd` init (the paper's A_V / B_U, Table 2) is identical on every backend.
// Cost O(sweeps · min(m,n)² · max(m,n)): fine for RoBERTa/ViT-size layers at init time.
import { ShapeError } from '@webpeft/tensor';
import { symmetricEigen } from './_symmetric-eigen.ts';

export interface SVDResult {
  /** [m × k] left singular vectors as columns (row-major), k = min(m, n). */
  readonly u: Float64Array;
  /** k singular values, descending. */
  readonly s: Float64Array;
  /** [k × n] right singular vectors as rows (Vᵀ, row-major). */
  readonly vt: Float64Array;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** Jacobi on the rows of `g` ([cols × len], the columns of a tall matrix): returns V ([cols × cols] rows = columns of V). */
function jacobiRows(g: Float64Array, cols: number, len: number): Float64Array {
  const v = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) v[i * cols + i] = 1;
  const eps = 2.220446049250313e-16;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const po = p * len;
        const qo = q * len;
        for (let i = 0; i < len; i++) {
          const x = g[po + i]!;
          const y = g[qo + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < len; i++) {
          const x = g[po + i]!;
          const y = g[qo + i]!;
          g[po + i] = c * x - s * y;
          g[qo + i] = s * x + c * y;
        }
        const pv = p * cols;
        const qv = q * cols;
        for (let i = 0; i < cols; i++) {
          const x = v[pv + i]!;
          const y = v[qv + i]!;
          v[pv + i] = c * x - s * y;
          v[qv + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  return v;
}

/** Thin SVD of a tall-or-square matrix given by its columns `g` ([n × m] rows, m ≥ n). */
function tallSvd(g: Float64Array, m: number, n: number): { u: Float64Array; s: Float64Array; v: Float64Array } {
  const vRows = jacobiRows(g, n, m);
  const norms = Array.from({ length: n }, (_, j) => {
    let t = 0;
    for (let i = 0; i < m; i++) t += g[j * m + i]! ** 2;
    return Math.sqrt(t);
  });
  const order = norms.map((_, j) => j).sort((a, b) => norms[b]! - norms[a]! || a - b);
  const u = new Float64Array(m * n); // column j of U, row-major [m × n]
  const s = new Float64Array(n);
  const v = new Float64Array(n * n); // row-major [n × n], column j = right vector j
  const tol = (norms[order[0]!] ?? 0) * 1e-14;
  order.forEach((src, j) => {
    const sigma = norms[src]!;
    s[j] = sigma;
    for (let i = 0; i < n; i++) v[i * n + j] = vRows[src * n + i]!;
    if (sigma > tol && sigma > 0) for (let i = 0; i < m; i++) u[i * n + j] = g[src * m + i]! / sigma;
    else completeColumn(u, m, n, j);
  });
  // sign convention (sklearn's svd_flip): the largest-magnitude entry of each left vector is positive
  for (let j = 0; j < n; j++) {
    let best = 0;
    for (let i = 0; i < m; i++) if (Math.abs(u[i * n + j]!) > Math.abs(best)) best = u[i * n + j]!;
    if (best < 0) {
      for (let i = 0; i < m; i++) u[i * n + j] = -u[i * n + j]!;
      for (let i = 0; i < n; i++) v[i * n + j] = -v[i * n + j]!;
    }
  }
  return { u, s, v };
}

/** A zero singular value leaves its left vector free: pick a unit vector orthogonal to the previous ones. */
function completeColumn(u: Float64Array, m: number, n: number, j: number): void {
  for (let e = 0; e < m; e++) {
    const col = new Float64Array(m);
    col[e] = 1;
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += u[i * n + k]! * col[i]!;
      for (let i = 0; i < m; i++) col[i] = col[i]! - dot * u[i * n + k]!;
    }
    let norm = 0;
    for (const x of col) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm > 1e-8) {
      for (let i = 0; i < m; i++) u[i * n + j] = col[i]! / norm;
      return;
    }
  }
}

/** Thin SVD of a row-major [m × n] matrix: A = U·diag(s)·Vᵀ with k = min(m, n). */
export function svd(a: ArrayLike<number>, m: number, n: number): SVDResult {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m <= 0 || n <= 0) throw new ShapeError(`svd: needs a non-empty [m, n] matrix, got [${m}, ${n}]`);
  if (a.length !== m * n) throw new ShapeError(`svd: ${a.length} values do not fill [${m}, ${n}]`);
  const k = Math.min(m, n);
  if (m >= n) {
    // columns of A as rows of g
    const g = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[j * m + i] = a[i * n + j]!;
    const { u, s, v } = tallSvd(g, m, n);
    const vt = new Float64Array(k * n);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) vt[i * n + j] = v[j * k + i]!;
    return { u, s, vt, m, n, k };
  }
  // wide: SVD of Aᵀ = U'·S·V'ᵀ, so A = V'·S·U'ᵀ; the rows of A are the columns of Aᵀ
  const g = Float64Array.from(a);
  const t = tallSvd(g, n, m);
  const vt = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) vt[i * n + j] = t.u[j * k + i]!;
  const u = t.v; // [m × m]
  // the same sign convention as the tall case: the largest entry of each left vector is positive
  for (let j = 0; j < k; j++) {
    let best = 0;
    for (let i = 0; i < m; i++) if (Math.abs(u[i * k + j]!) > Math.abs(best)) best = u[i * k + j]!;
    if (best < 0) {
      for (let i = 0; i < m; i++) u[i * k + j] = -u[i * k + j]!;
      for (let i = 0; i < n; i++) vt[j * n + i] = -vt[j * n + i]!;
    }
  }
  return { u, s: t.s, vt, m, n, k };
}

/** Above this min(m, n), `topSingular` works on the Gram matrix instead of a full Jacobi SVD. */
export const JACOBI_LIMIT = 128;

/**
 * The top-r singular triplets of a row-major [m × n] matrix: U [m × r], s [r], Vᵀ [r × n], with the
 * sign convention of `svd`. Small matrices use the Jacobi SVD; larger ones the eigenvectors of the
 * smaller Gram matrix (AᵀA or AAᵀ, tred2 + tql2), about 10× faster at n = 1024 and accurate for the
 * leading vectors (their error scales with ε·σ₁²/(σ_r² − σ_{r+1}²)).
 */
export function topSingular(a: ArrayLike<number>, m: number, n: number, r: number): { u: Float64Array; s: Float64Array; vt: Float64Array } {
  if (!Number.isInteger(r) || r <= 0 || r > Math.min(m, n)) throw new ShapeError(`topSingular: r = ${r} must be in 1..min(${m}, ${n})`);
  if (a.length !== m * n) throw new ShapeError(`topSingular: ${a.length} values do not fill [${m}, ${n}]`);
  const u = new Float64Array(m * r);
  const s = new Float64Array(r);
  const vt = new Float64Array(r * n);
  if (Math.min(m, n) <= JACOBI_LIMIT) {
    const full = svd(a, m, n);
    for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) u[i * r + j] = full.u[i * full.k + j]!;
    s.set(full.s.subarray(0, r));
    vt.set(full.vt.subarray(0, r * n));
    return { u, s, vt };
  }
  const right = n <= m; // Gram of the smaller side: AᵀA [n × n] gives V, AAᵀ [m × m] gives U
  const k = right ? n : m;
  const gram = new Float64Array(k * k);
  if (right) {
    for (let p = 0; p < m; p++) {
      const o = p * n;
      for (let i = 0; i < n; i++) {
        const x = a[o + i]!;
        if (x === 0) continue;
        const gi = i * n;
        for (let j = i; j < n; j++) gram[gi + j] = gram[gi + j]! + x * a[o + j]!;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        let t = 0;
        for (let q = 0; q < n; q++) t += a[i * n + q]! * a[j * n + q]!;
        gram[i * m + j] = t;
      }
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) gram[i * k + j] = gram[j * k + i]!;
  const { values, vectors } = symmetricEigen(gram, k);
  for (let j = 0; j < r; j++) {
    const vec = vectors.subarray((k - 1 - j) * k, (k - j) * k); // descending
    const sigma = Math.sqrt(Math.max(0, values[k - 1 - j]!));
    s[j] = sigma;
    // the other side: A·v/σ (right) or Aᵀ·u/σ (left)
    const other = new Float64Array(right ? m : n);
    if (right) for (let i = 0; i < m; i++) for (let q = 0; q < n; q++) other[i] = other[i]! + a[i * n + q]! * vec[q]!;
    else for (let i = 0; i < m; i++) for (let q = 0; q < n; q++) other[q] = other[q]! + a[i * n + q]! * vec[i]!;
    if (sigma > 0) for (let i = 0; i < other.length; i++) other[i] = other[i]! / sigma;
    const uCol = right ? other : vec;
    const vRow = right ? vec : other;
    let big = 0;
    for (const x of uCol) if (Math.abs(x) > Math.abs(big)) big = x;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) u[i * r + j] = sign * uCol[i]!;
    for (let q = 0; q < n; q++) vt[j * n + q] = sign * vRow[q]!;
  }
  return { u, s, vt };
}
