// trainer_state.json: everything of a checkpoint that is not a tensor, as JSON. Doubles
// round-trip exactly through JSON (shortest round-trip formatting), so losses and learning
// rates come back bit for bit. `parseTrainerState` validates every field it later relies on.
import type { GeneratorState } from '@webpeft/tensor';
import { CheckpointError } from './errors.ts';

export const TRAINER_STATE_FORMAT = 'webpeft.trainer_state';
export const TRAINER_STATE_VERSION = 1;

/** One evaluation: the step after which it ran and each metric's value. */
export interface EvalRecord {
  readonly step: number;
  readonly epoch: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The optimizer's state dict without its tensors (those are in optimizer.safetensors). */
export interface OptimizerStateJson {
  readonly optimizer: string;
  readonly step: number;
  readonly groups: readonly Readonly<Record<string, unknown>>[];
  readonly paramSteps: Readonly<Record<string, number>>;
  /** Per parameter index: names of its state buffers, stored as `state.<index>.<name>`. */
  readonly buffers: Readonly<Record<string, readonly string[]>>;
}

/** The content of trainer_state.json. */
export interface TrainerStateJson {
  readonly format: typeof TRAINER_STATE_FORMAT;
  readonly version: number;
  /** Optimizer steps completed. */
  readonly step: number;
  /** Data position: the next micro-batch is batch `batchIndex` of epoch `epoch`. */
  readonly epoch: number;
  readonly batchIndex: number;
  readonly totalSteps: number;
  readonly gradientAccumulation: number;
  /** FNV-1a 64 of the canonical JSON of the run's `config`, or null when none was given. */
  readonly configHash: string | null;
  /** Which parameters model.safetensors holds. */
  readonly params: 'trainable' | 'all';
  readonly generators: Readonly<Record<string, GeneratorState>>;
  readonly optimizer: OptimizerStateJson;
  readonly scheduler: { readonly step: number; readonly baseLrs: readonly number[] } | null;
  /** Loss of every step so far (index 0 is step 1). */
  readonly losses: readonly number[];
  readonly evals: readonly EvalRecord[];
  /** Byte length and CRC-32 of each tensor file. */
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly crc32: string }>>;
}

type Json = Record<string, unknown>;

class Checker {
  constructor(
    readonly file: string,
    readonly step: number | undefined,
  ) {}

  fail(key: string, detail: string): never {
    throw new CheckpointError('INVALID_STATE', detail, { step: this.step, file: this.file, key });
  }

  object(value: unknown, key: string): Json {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(key, `expected an object, got ${kind(value)}`);
    return value as Json;
  }

  int(value: unknown, key: string, min = 0): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) this.fail(key, `expected an integer ≥ ${min}, got ${kind(value)}`);
    return value;
  }

  num(value: unknown, key: string): number {
    if (typeof value !== 'number') this.fail(key, `expected a number, got ${kind(value)}`);
    return value;
  }

  str(value: unknown, key: string): string {
    if (typeof value !== 'string') this.fail(key, `expected a string, got ${kind(value)}`);
    return value;
  }

  array(value: unknown, key: string): unknown[] {
    if (!Array.isArray(value)) this.fail(key, `expected an array, got ${kind(value)}`);
    return value;
  }
}

function kind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** Parse and validate trainer_state.json; a CheckpointError naming `file` and the key otherwise. */
export function parseTrainerState(bytes: Uint8Array, file: string, step?: number): TrainerStateJson {
  const c = new Checker(file, step);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new CheckpointError('INVALID_STATE', `not valid UTF-8 JSON (${(cause as Error).message})`, { step, file }, { cause });
  }
  const o = c.object(raw, '(root)');
  if (o.format !== TRAINER_STATE_FORMAT) c.fail('format', `expected ${JSON.stringify(TRAINER_STATE_FORMAT)}, got ${kind(o.format)}`);
  if (o.version !== TRAINER_STATE_VERSION) c.fail('version', `this version of @webpeft/train reads version ${TRAINER_STATE_VERSION}, got ${kind(o.version)}`);
  const at = c.int(o.step, 'step');
  if (step !== undefined && at !== step) c.fail('step', `the checkpoint of step ${step} says it is step ${at}`);
  c.int(o.epoch, 'epoch');
  c.int(o.batchIndex, 'batchIndex');
  c.int(o.totalSteps, 'totalSteps');
  c.int(o.gradientAccumulation, 'gradientAccumulation', 1);
  if (o.configHash !== null) c.str(o.configHash, 'configHash');
  if (o.params !== 'trainable' && o.params !== 'all') c.fail('params', `expected "trainable" or "all", got ${kind(o.params)}`);

  const generators = c.object(o.generators, 'generators');
  for (const [name, g] of Object.entries(generators)) {
    const s = c.object(g, `generators.${name}`);
    const seed = c.str(s.seed, `generators.${name}.seed`);
    if (!/^\d{1,20}$/.test(seed) || BigInt(seed) >= 1n << 64n) c.fail(`generators.${name}.seed`, `expected a 64-bit unsigned integer as a string, got ${kind(seed)}`);
    c.int(s.offset, `generators.${name}.offset`);
  }

  const opt = c.object(o.optimizer, 'optimizer');
  c.str(opt.optimizer, 'optimizer.optimizer');
  c.int(opt.step, 'optimizer.step');
  c.array(opt.groups, 'optimizer.groups').forEach((g, i) => {
    const group = c.object(g, `optimizer.groups.${i}`);
    c.array(group.params, `optimizer.groups.${i}.params`).forEach((p, j) => c.int(p, `optimizer.groups.${i}.params.${j}`));
    c.num(group.lr, `optimizer.groups.${i}.lr`);
  });
  const paramSteps = c.object(opt.paramSteps, 'optimizer.paramSteps');
  const buffers = c.object(opt.buffers, 'optimizer.buffers');
  for (const [i, n] of Object.entries(paramSteps)) {
    c.int(n, `optimizer.paramSteps.${i}`, 1);
    if (!(i in buffers)) c.fail(`optimizer.buffers.${i}`, `parameter ${i} has a step count but no buffer list`);
  }
  for (const [i, names] of Object.entries(buffers)) {
    if (!/^\d+$/.test(i)) c.fail(`optimizer.buffers.${i}`, 'expected a parameter index');
    if (!(i in paramSteps)) c.fail(`optimizer.paramSteps.${i}`, `parameter ${i} has buffers but no step count`);
    c.array(names, `optimizer.buffers.${i}`).forEach((n, j) => c.str(n, `optimizer.buffers.${i}.${j}`));
  }

  if (o.scheduler !== null) {
    const s = c.object(o.scheduler, 'scheduler');
    c.int(s.step, 'scheduler.step');
    c.array(s.baseLrs, 'scheduler.baseLrs').forEach((lr, i) => c.num(lr, `scheduler.baseLrs.${i}`));
  }
  const losses = c.array(o.losses, 'losses');
  losses.forEach((l, i) => c.num(l, `losses.${i}`));
  if (losses.length !== at) c.fail('losses', `expected one loss per step (${at}), got ${losses.length}`);
  c.array(o.evals, 'evals').forEach((e, i) => {
    const rec = c.object(e, `evals.${i}`);
    c.int(rec.step, `evals.${i}.step`);
    c.int(rec.epoch, `evals.${i}.epoch`);
    for (const [k, v] of Object.entries(c.object(rec.metrics, `evals.${i}.metrics`))) c.num(v, `evals.${i}.metrics.${k}`);
  });
  for (const [name, f] of Object.entries(c.object(o.files, 'files'))) {
    const rec = c.object(f, `files.${name}`);
    c.int(rec.bytes, `files.${name}.bytes`);
    if (typeof rec.crc32 !== 'string' || !/^[0-9a-f]{8}$/.test(rec.crc32)) c.fail(`files.${name}.crc32`, `expected 8 hex digits, got ${kind(rec.crc32)}`);
  }
  return o as unknown as TrainerStateJson;
}

/** Encode trainer state as pretty JSON bytes (readable in an editor; small next to the tensors). */
export function encodeTrainerState(state: TrainerStateJson): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(state, null, 1)}\n`);
}
