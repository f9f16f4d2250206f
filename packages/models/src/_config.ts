// Typed readers for config.json fields: every failure names the file and the field.
import { ConfigError } from './errors.ts';

/** A parsed JSON object (config.json, preprocessor_config.json). */
export type JsonObject = Record<string, unknown>;

export class ConfigReader {
  constructor(
    readonly json: JsonObject,
    readonly file: string,
  ) {}

  static of(json: unknown, file: string): ConfigReader {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`expected a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}`, file);
    return new ConfigReader(json as JsonObject, file);
  }

  has(field: string): boolean {
    return this.json[field] !== undefined && this.json[field] !== null;
  }

  #fail(field: string, expected: string): never {
    const got = this.json[field];
    throw new ConfigError(`expected ${expected}, got ${got === undefined ? 'nothing (field missing)' : JSON.stringify(got)}`, this.file, field);
  }

  /** A positive integer (required unless a fallback is given). */
  int(field: string, fallback?: number, min = 1): number {
    const v = this.json[field];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.#fail(field, `an integer ≥ ${min}`);
    return v;
  }

  /** A token id or null. */
  tokenId(field: string, fallback: number | null = null): number | null {
    const v = this.json[field];
    if (v === undefined) return fallback;
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.#fail(field, 'a token id (integer ≥ 0) or null');
    return v;
  }

  number(field: string, fallback?: number): number {
    const v = this.json[field];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.#fail(field, 'a finite number');
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.json[field];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.#fail(field, 'true or false');
    return v;
  }

  string<T extends string>(field: string, fallback?: T, allowed?: readonly T[]): T {
    const v = this.json[field];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || (allowed && !allowed.includes(v as T))) this.#fail(field, allowed ? `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}` : 'a string');
    return v as T;
  }

  numbers(field: string, length: number, fallback?: readonly number[]): number[] {
    const v = this.json[field];
    if ((v === undefined || v === null) && fallback) return [...fallback];
    if (typeof v === 'number' && Number.isFinite(v)) return Array.from({ length }, () => v);
    if (!Array.isArray(v) || v.length !== length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) this.#fail(field, `an array of ${length} numbers`);
    return v as number[];
  }

  /** `id2label` as labels by id (sorted by id). */
  labels(fallbackCount: number): string[] {
    const raw = this.json['id2label'];
    if (raw === undefined || raw === null) {
      const n = this.int('num_labels', fallbackCount);
      return Array.from({ length: n }, (_, i) => `LABEL_${i}`);
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) this.#fail('id2label', 'an object mapping ids to label names');
    const entries = Object.entries(raw as JsonObject).map(([k, v]) => [Number(k), String(v)] as const);
    entries.sort((a, b) => a[0] - b[0]);
    if (entries.some(([k], i) => k !== i)) this.#fail('id2label', 'ids 0, 1, …, n−1');
    return entries.map(([, v]) => v);
  }

  check(ok: boolean, field: string, message: string): void {
    if (!ok) throw new ConfigError(message, this.file, field);
  }
}

/** HF `hidden_act` names the nn activations understand. */
export const ACTIVATION_NAMES = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu', 'silu', 'swish', 'tanh', 'sigmoid'] as const;
