// Host-side linear algebra in f64 for initialisation and analysis: results are computed
// once, identically for every backend, then uploaded.
import { ShapeError } from './errors.ts';

export interface QRResult {
  /** [m × n] with orthonormal columns. */
  readonly q: Float64Array;
  /** [n × n] upper triangular. */
  readonly r: Float64Array;
}

/** Thin QR of a row-major [m × n] matrix (m ≥ n) by Householder reflections. */
export function qr(a: ArrayLike<number>, m: number, n: number): QRResult {
  if (m < n) throw new ShapeError(`qr: needs rows ≥ columns, got [${m}, ${n}]`);
  if (a.length !== m * n) throw new ShapeError(`qr: ${a.length} values do not fill [${m}, ${n}]`);
  const w = Float64Array.from(a);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += w[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m - k);
    const alpha = w[k * n + k]! >= 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i - k] = w[i * n + k]!;
    v[0] = v[0]! - alpha;
    let vn = 0;
    for (const x of v) vn += x * x;
    if (vn > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k]! * w[i * n + j]!;
        const f = (2 * dot) / vn;
        for (let i = k; i < m; i++) w[i * n + j] = w[i * n + j]! - f * v[i - k]!;
      }
    }
    vs.push(v);
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j]!;
  // Q = H_0 ⋯ H_{n-1} applied to the first n columns of I
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vn = 0;
    for (const x of v) vn += x * x;
    if (vn === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      const f = (2 * dot) / vn;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - f * v[i - k]!;
    }
  }
  return { q, r };
}

/**
 * A [rows × cols] matrix with orthonormal rows (rows ≤ cols) or columns (rows ≥ cols) from
 * a Gaussian sample, as torch.nn.init.orthogonal_ builds it: QR, then signs fixed by diag(R)
 * so the result is uniform (Haar) on the Stiefel manifold — the paper's "rand" init.
 */
export function orthogonalFromGaussian(gaussian: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const tall = rows >= cols;
  const [m, n] = tall ? [rows, cols] : [cols, rows];
  // the tall operand: the sample itself, or its transpose
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[tall ? i * cols + j : j * rows + i] = gaussian[i * cols + j]!;
  const { q, r } = qr(a, m, n);
  for (let j = 0; j < n; j++) {
    const s = r[j * n + j]! < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) q[i * n + j] = q[i * n + j]! * s;
  }
  if (tall) return q;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = q[j * n + i]!;
  return out;
}
