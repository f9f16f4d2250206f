// A strict RFC 8259 JSON parser for untrusted headers. `JSON.parse` would silently keep the
// last of two duplicate keys, round integers past 2^53 and accept `1.0` where an integer is
// due; this one keeps objects as ordered Maps, rejects duplicate keys, returns integers past
// 2^53 − 1 as exact bigints and marks non-integers, and stops at serde_json's nesting limit.
import { SafetensorsError } from './errors.ts';

/** A number written with a fraction or exponent (`1.0`, `1e3`): never a valid size or offset. */
export class JsonFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

export type JsonValue = null | boolean | string | number | bigint | JsonFloat | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** serde_json's default recursion limit, so we reject exactly the nesting the reference does. */
export const MAX_DEPTH = 128;

export function parseJson(text: string, file?: string): JsonValue {
  return new Parser(text, file).parseDocument();
}

const WS = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly path: string[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
  ) {}

  parseDocument(): JsonValue {
    this.skipWs();
    const value = this.parseValue();
    this.skipWs();
    if (this.pos < this.text.length) this.fail('trailing characters after the JSON value');
    return value;
  }

  private fail(what: string, code: 'INVALID_JSON' | 'DUPLICATE' = 'INVALID_JSON'): never {
    const at = this.path.length ? ` in ${this.path.map((k) => JSON.stringify(k)).join(' › ')}` : '';
    throw new SafetensorsError(code, `header JSON: ${what} at character ${this.pos}${at}`, { file: this.file });
  }

  private failAt(pos: number, what: string): never {
    this.pos = pos;
    this.fail(what);
  }

  private skipWs(): void {
    const t = this.text;
    while (this.pos < t.length && WS(t.charCodeAt(this.pos))) this.pos++;
  }

  private parseValue(): JsonValue {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.parseObject();
    if (c === 0x5b) return this.parseArray();
    if (c === 0x22) return this.parseString();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.text.startsWith('true', this.pos)) return (this.pos += 4), true;
    if (this.text.startsWith('false', this.pos)) return (this.pos += 5), false;
    if (this.text.startsWith('null', this.pos)) return (this.pos += 4), null;
    this.fail(Number.isNaN(c) ? 'unexpected end of input' : `unexpected character ${JSON.stringify(this.text[this.pos])}`);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.pos++;
    this.skipWs();
  }

  private parseObject(): JsonObject {
    this.enter();
    const out: JsonObject = new Map();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('expected a string key');
      const key = this.parseString();
      if (out.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, 'DUPLICATE');
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':' after a key");
      this.pos++;
      this.skipWs();
      this.path.push(key);
      out.set(key, this.parseValue());
      this.path.pop();
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) break;
      if (c !== 0x2c) this.failAt(this.pos - 1, "expected ',' or '}' in an object");
      this.skipWs();
    }
    this.depth--;
    return out;
  }

  private parseArray(): JsonValue[] {
    this.enter();
    const out: JsonValue[] = [];
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.parseValue());
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) break;
      if (c !== 0x2c) this.failAt(this.pos - 1, "expected ',' or ']' in an array");
      this.skipWs();
    }
    this.depth--;
    return out;
  }

  private parseString(): string {
    const t = this.text;
    let i = ++this.pos;
    let out = '';
    for (;;) {
      const start = i;
      let c = t.charCodeAt(i);
      while (i < t.length && c !== 0x22 && c !== 0x5c && c >= 0x20) c = t.charCodeAt(++i);
      out += t.slice(start, i);
      if (i >= t.length) this.failAt(i, 'unterminated string');
      if (c === 0x22) {
        this.pos = i + 1;
        return out;
      }
      if (c < 0x20) this.failAt(i, 'unescaped control character in a string');
      // Backslash escape.
      const e = t.charCodeAt(i + 1);
      i += 2;
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const unit = this.hex4(i);
          i += 4;
          if (unit >= 0xd800 && unit <= 0xdbff) {
            // A high surrogate must be followed by an escaped low surrogate (serde_json rule).
            if (t.charCodeAt(i) !== 0x5c || t.charCodeAt(i + 1) !== 0x75) this.failAt(i, 'lone leading surrogate in a \\u escape');
            const low = this.hex4(i + 2);
            if (low < 0xdc00 || low > 0xdfff) this.failAt(i, 'lone leading surrogate in a \\u escape');
            out += String.fromCharCode(unit, low);
            i += 6;
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            this.failAt(i, 'lone trailing surrogate in a \\u escape');
          } else {
            out += String.fromCharCode(unit);
          }
          break;
        }
        default:
          this.failAt(i - 1, 'invalid escape in a string');
      }
    }
  }

  private hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.failAt(at, 'invalid \\u escape');
    return parseInt(digits, 16);
  }

  private parseNumber(): number | bigint | JsonFloat {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 0x2d) i++;
    const digit = (k: number) => {
      const c = t.charCodeAt(k);
      return c >= 0x30 && c <= 0x39;
    };
    if (!digit(i)) this.failAt(i, 'expected a digit');
    if (t.charCodeAt(i) === 0x30) i++;
    else while (digit(i)) i++;
    let integer = true;
    if (t.charCodeAt(i) === 0x2e) {
      integer = false;
      i++;
      if (!digit(i)) this.failAt(i, 'expected a digit after the decimal point');
      while (digit(i)) i++;
    }
    const e = t.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      integer = false;
      i++;
      const s = t.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) i++;
      if (!digit(i)) this.failAt(i, 'expected a digit in the exponent');
      while (digit(i)) i++;
    }
    this.pos = i;
    const token = t.slice(start, i);
    if (!integer) return new JsonFloat(Number(token));
    if (token.length <= 15) return Number(token);
    const big = BigInt(token);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
}
