// How `pd.read_csv(path, header=None)` types each column, and how `"{}".format(value)` then
// prints a cell — MMLU's evaluate.py builds its prompts from those printed values.

/** pandas' default NA strings (`pandas._libs.parsers.STR_NA_VALUES`, pandas 2.x). */
const NA = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
const TRUE = new Set(['True', 'TRUE', 'true']);
const FALSE = new Set(['False', 'FALSE', 'false']);
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$/i;

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = mant.startsWith('-') ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function pyInt(s: string): string {
  return BigInt(s.trim()).toString();
}

/** Each column of `rows` printed as Python prints the value pandas parsed (ragged rows padded with NA). */
export function pandasFormatColumns(rows: readonly (readonly string[])[]): string[][] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  const out = rows.map(() => new Array<string>(width));
  for (let j = 0; j < width; j++) {
    const col = rows.map((r) => r[j] ?? '');
    const isNa = col.map((c) => NA.has(c));
    const values = col.filter((_, i) => !isNa[i]);
    const anyNa = isNa.some(Boolean);
    let fmt: (c: string) => string;
    if (values.length === 0) fmt = () => 'nan';
    else if (values.every((c) => TRUE.has(c) || FALSE.has(c))) fmt = (c) => (TRUE.has(c) ? 'True' : 'False');
    else if (values.every((c) => INT.test(c.trim()))) fmt = anyNa ? (c) => pythonFloatRepr(Number(c)) : pyInt;
    else if (values.every((c) => FLOAT.test(c.trim()))) fmt = (c) => pythonFloatRepr(Number(c.trim().replace(/^([+-]?)inf(inity)?$/i, '$1Infinity')));
    else fmt = (c) => c;
    col.forEach((c, i) => (out[i]![j] = isNa[i] ? 'nan' : fmt(c)));
  }
  return out;
}
