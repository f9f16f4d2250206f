// Dense f64 matrices as plain `number[][]` (row-major, one array per row): validation and the
// elementary operations every other module builds on. Inputs are never mutated; outputs are fresh.
import { MatrixShapeError } from './errors.ts';

/** A dense matrix: `rows × cols`, `m[i][j]` is row i, column j. */
export type Matrix = number[][];

/** Anything readable as a matrix (inputs are never written to). */
export type MatrixLike = readonly (readonly number[])[];

/** [rows, cols] of `m`, after checking it is non-empty, rectangular and finite. */
export function shapeOf(m: MatrixLike, name = 'matrix'): [rows: number, cols: number] {
  if (!Array.isArray(m) || m.length === 0) throw new MatrixShapeError(`${name} must be a non-empty number[][] (got ${describe(m)})`);
  const first = m[0];
  if (!Array.isArray(first) || first.length === 0) throw new MatrixShapeError(`${name}[0] must be a non-empty number[] (got ${describe(first)})`);
  const cols = first.length;
  for (let i = 0; i < m.length; i++) {
    const row = m[i];
    if (!Array.isArray(row) || row.length !== cols) throw new MatrixShapeError(`${name} is ragged: row ${i} has ${Array.isArray(row) ? row.length : describe(row)} entries, row 0 has ${cols}`);
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new MatrixShapeError(`${name}[${i}][${j}] must be a finite number (got ${String(v)})`);
    }
  }
  return [m.length, cols];
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  return x === null ? 'null' : typeof x;
}

/** Throw unless `m` is `rows × cols` (either may be `undefined` for "any"). */
export function expectShape(m: MatrixLike, rows: number | undefined, cols: number | undefined, name: string): [number, number] {
  const [r, c] = shapeOf(m, name);
  if ((rows !== undefined && r !== rows) || (cols !== undefined && c !== cols)) {
    throw new MatrixShapeError(`${name} must be ${rows ?? '?'}×${cols ?? '?'}, got ${r}×${c}`);
  }
  return [r, c];
}

/** A `rows × cols` matrix of zeros. */
export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** The `n × n` identity. */
export function identity(n: number): Matrix {
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) out[i]![i] = 1;
  return out;
}

/** A copy of `m` as plain arrays. */
export function clone(m: MatrixLike): Matrix {
  return m.map((row) => Array.from(row));
}

/** mᵀ. */
export function transpose(m: MatrixLike): Matrix {
  const [r, c] = shapeOf(m);
  const out = zeros(c, r);
  for (let i = 0; i < r; i++) {
    const row = m[i]!;
    for (let j = 0; j < c; j++) out[j]![i] = row[j]!;
  }
  return out;
}

/** The matrix product a·b (`[n×k]·[k×m]`). */
export function matmul(a: MatrixLike, b: MatrixLike): Matrix {
  const [n, k] = shapeOf(a, 'a');
  const [k2, m] = shapeOf(b, 'b');
  if (k !== k2) throw new MatrixShapeError(`matmul: inner sizes differ (a is ${n}×${k}, b is ${k2}×${m})`);
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    const oi = out[i]!;
    for (let p = 0; p < k; p++) {
      const v = ai[p]!;
      if (v === 0) continue;
      const bp = b[p]!;
      for (let j = 0; j < m; j++) oi[j]! += v * bp[j]!;
    }
  }
  return out;
}

/** a·bᵀ without forming bᵀ (`[n×k]·[m×k]ᵀ`). */
export function matmulT(a: MatrixLike, b: MatrixLike): Matrix {
  const [n, k] = shapeOf(a, 'a');
  const [m, k2] = shapeOf(b, 'b');
  if (k !== k2) throw new MatrixShapeError(`matmulT: a is ${n}×${k}, b is ${m}×${k2}; their column counts must match`);
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    for (let j = 0; j < m; j++) out[i]![j] = dot(ai, b[j]!);
  }
  return out;
}

/** aᵀ·b without forming aᵀ (`[k×n]ᵀ·[k×m]`). */
export function matTmul(a: MatrixLike, b: MatrixLike): Matrix {
  const [k, n] = shapeOf(a, 'a');
  const [k2, m] = shapeOf(b, 'b');
  if (k !== k2) throw new MatrixShapeError(`matTmul: a is ${k}×${n}, b is ${k2}×${m}; their row counts must match`);
  const out = zeros(n, m);
  for (let p = 0; p < k; p++) {
    const ap = a[p]!;
    const bp = b[p]!;
    for (let i = 0; i < n; i++) {
      const v = ap[i]!;
      if (v === 0) continue;
      const oi = out[i]!;
      for (let j = 0; j < m; j++) oi[j]! += v * bp[j]!;
    }
  }
  return out;
}

/** Σ x_i·y_i. */
export function dot(x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

function zipWith(a: MatrixLike, b: MatrixLike, f: (x: number, y: number) => number, op: string): Matrix {
  const [r, c] = shapeOf(a, 'a');
  const [r2, c2] = shapeOf(b, 'b');
  if (r !== r2 || c !== c2) throw new MatrixShapeError(`${op}: shapes differ (${r}×${c} vs ${r2}×${c2})`);
  return a.map((row, i) => row.map((x, j) => f(x, b[i]![j]!)));
}

/** a + b. */
export function add(a: MatrixLike, b: MatrixLike): Matrix {
  return zipWith(a, b, (x, y) => x + y, 'add');
}

/** a − b. */
export function sub(a: MatrixLike, b: MatrixLike): Matrix {
  return zipWith(a, b, (x, y) => x - y, 'sub');
}

/** s·m. */
export function scale(m: MatrixLike, s: number): Matrix {
  shapeOf(m);
  return m.map((row) => row.map((x) => x * s));
}

/** Tr[m] of a square matrix. */
export function trace(m: MatrixLike): number {
  const [r, c] = shapeOf(m);
  if (r !== c) throw new MatrixShapeError(`trace needs a square matrix, got ${r}×${c}`);
  let s = 0;
  for (let i = 0; i < r; i++) s += m[i]![i]!;
  return s;
}

/** Tr[a·b] without forming the product (a is n×k, b is k×n). */
export function traceOfProduct(a: MatrixLike, b: MatrixLike): number {
  const [n, k] = shapeOf(a, 'a');
  const [k2, n2] = shapeOf(b, 'b');
  if (k !== k2 || n !== n2) throw new MatrixShapeError(`traceOfProduct: a is ${n}×${k}, b is ${k2}×${n2}; need n×k and k×n`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    for (let p = 0; p < k; p++) s += ai[p]! * b[p]![i]!;
  }
  return s;
}

/** ‖m‖_F, computed with scaling so that huge or tiny entries neither overflow nor underflow. */
export function frobeniusNorm(m: MatrixLike): number {
  shapeOf(m);
  let scaleMax = 0;
  for (const row of m) for (const x of row) scaleMax = Math.max(scaleMax, Math.abs(x));
  if (scaleMax === 0) return 0;
  let s = 0;
  for (const row of m) for (const x of row) s += (x / scaleMax) ** 2;
  return scaleMax * Math.sqrt(s);
}

/** The largest |a_ij − b_ij|. */
export function maxAbsDiff(a: MatrixLike, b: MatrixLike): number {
  let d = 0;
  zipWith(a, b, (x, y) => {
    d = Math.max(d, Math.abs(x - y));
    return 0;
  }, 'maxAbsDiff');
  return d;
}

/** Columns `start … end−1` of m. */
export function columns(m: MatrixLike, start: number, end: number): Matrix {
  shapeOf(m);
  return m.map((row) => row.slice(start, end));
}

/** Throw unless `m` is square and symmetric to `tol` relative to its largest entry. */
export function expectSymmetric(m: MatrixLike, name: string, tol = 1e-8): number {
  const [r, c] = shapeOf(m, name);
  if (r !== c) throw new MatrixShapeError(`${name} must be square, got ${r}×${c}`);
  let big = 0;
  for (const row of m) for (const x of row) big = Math.max(big, Math.abs(x));
  for (let i = 0; i < r; i++) {
    for (let j = i + 1; j < r; j++) {
      const d = Math.abs(m[i]![j]! - m[j]![i]!);
      if (d > tol * Math.max(big, 1e-300)) throw new MatrixShapeError(`${name} must be symmetric: [${i}][${j}] = ${m[i]![j]} but [${j}][${i}] = ${m[j]![i]}`);
    }
  }
  return r;
}
