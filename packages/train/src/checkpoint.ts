// Checkpoint = model.safetensors (parameters) + optimizer.safetensors (state buffers) +
// trainer_state.json (position, RNG, optimizer/scheduler scalars, history, file checksums).
// Restoring reads and validates everything into host memory first, checks it against the live
// model and optimizer, and only then assigns: a bad checkpoint changes nothing.
import { type DType, type Generator, type Tensor, type TypedArray, fromArray, shapesEqual } from '@webpeft/tensor';
import type { OptimizerStateDict } from '@webpeft/optim';
import { SafetensorsError, type TensorInput, loadSafetensors, serializeSafetensors } from '@webpeft/safetensors';
import { crc32 } from './hash.ts';
import { CheckpointError } from './errors.ts';
import { type EvalRecord, TRAINER_STATE_FORMAT, TRAINER_STATE_VERSION, type TrainerStateJson, encodeTrainerState, parseTrainerState } from './state.ts';
import { CHECKPOINT_FILES, type CheckpointStore } from './store.ts';

/** What the trainer needs of a model (`@webpeft/nn`'s Module fits). */
export interface TrainableModel {
  namedParameters(): Iterable<[string, Tensor]>;
  stateDict(): Record<string, Tensor>;
  loadStateDict(dict: Record<string, Tensor>, opts: { strict: boolean }): unknown;
  train(): void;
  eval(): void;
}

/** What the trainer needs of an optimizer (`@webpeft/optim`'s AdamW and SGD fit). */
export interface TrainerOptimizer {
  readonly kind: string;
  readonly groups: readonly { lr: number; readonly params: readonly Tensor[] }[];
  readonly params: Tensor[];
  step(): void;
  zeroGrad(): void;
  stateDict(): OptimizerStateDict<object>;
  loadStateDict(dict: OptimizerStateDict<never>): void;
}

/** What the trainer needs of a learning-rate scheduler (`@webpeft/optim`'s LRScheduler fits). */
export interface TrainerScheduler {
  step(): void;
  stateDict(): { readonly step: number; readonly baseLrs: readonly number[] };
  loadStateDict(state: { readonly step: number; readonly baseLrs: readonly number[] }): void;
}

/** A tensor's values on the host. */
export interface HostTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

/** The live objects a checkpoint is taken from and restored into. */
export interface CheckpointTargets {
  readonly model: TrainableModel;
  readonly optimizer: TrainerOptimizer;
  readonly scheduler: TrainerScheduler | undefined;
  readonly generators: ReadonlyMap<string, Generator>;
  /** Which parameters model.safetensors holds. */
  readonly params: 'trainable' | 'all';
}

/** The non-tensor facts of a checkpoint that the trainer supplies. */
export interface CheckpointProgress {
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  readonly totalSteps: number;
  readonly gradientAccumulation: number;
  readonly configHash: string | null;
  readonly losses: readonly number[];
  readonly evals: readonly EvalRecord[];
}

/** A checkpoint read into host memory and validated on its own (not yet against live objects). */
export interface LoadedCheckpoint {
  readonly step: number;
  readonly state: TrainerStateJson;
  readonly model: ReadonlyMap<string, HostTensor>;
  readonly optimizer: ReadonlyMap<string, HostTensor>;
}

/** Parameters the checkpoint holds, by name. */
export function modelEntries(model: TrainableModel, params: 'trainable' | 'all'): [string, Tensor][] {
  if (params === 'all') return Object.entries(model.stateDict());
  return [...model.namedParameters()].filter(([, p]) => p.requiresGrad);
}

async function toInput(t: Tensor): Promise<TensorInput> {
  return { dtype: t.dtype, shape: [...t.shape], data: await t.data() };
}

/** Read every tensor back (async: works on backends without synchronous readback) and encode the files. */
export async function captureCheckpoint(targets: CheckpointTargets, progress: CheckpointProgress): Promise<Map<string, Uint8Array>> {
  const metadata = { format: 'pt', step: String(progress.step) };
  const modelInputs = new Map<string, TensorInput>();
  for (const [name, t] of modelEntries(targets.model, targets.params)) modelInputs.set(name, await toInput(t));
  const dict = targets.optimizer.stateDict();
  const optInputs = new Map<string, TensorInput>();
  const buffers: Record<string, string[]> = {};
  for (const [i, state] of Object.entries(dict.state)) {
    buffers[i] = Object.keys(state);
    for (const [name, t] of Object.entries(state)) optInputs.set(`state.${i}.${name}`, await toInput(t));
  }
  const modelBytes = serializeSafetensors(modelInputs, metadata);
  const optBytes = serializeSafetensors(optInputs, metadata);
  const generators: Record<string, ReturnType<Generator['getState']>> = {};
  for (const [name, g] of targets.generators) generators[name] = g.getState();
  const state: TrainerStateJson = {
    format: TRAINER_STATE_FORMAT,
    version: TRAINER_STATE_VERSION,
    step: progress.step,
    epoch: progress.epoch,
    batchIndex: progress.batchIndex,
    totalSteps: progress.totalSteps,
    gradientAccumulation: progress.gradientAccumulation,
    configHash: progress.configHash,
    params: targets.params,
    generators,
    optimizer: {
      optimizer: dict.optimizer,
      step: dict.step,
      groups: dict.groups.map((g) => ({ ...g })),
      paramSteps: { ...dict.paramSteps },
      buffers,
    },
    scheduler: targets.scheduler ? { ...targets.scheduler.stateDict() } : null,
    losses: [...progress.losses],
    evals: progress.evals.map((e) => ({ ...e, metrics: { ...e.metrics } })),
    files: {
      [CHECKPOINT_FILES.model]: { bytes: modelBytes.length, crc32: crc32(modelBytes) },
      [CHECKPOINT_FILES.optimizer]: { bytes: optBytes.length, crc32: crc32(optBytes) },
    },
  };
  return new Map([
    [CHECKPOINT_FILES.model, modelBytes],
    [CHECKPOINT_FILES.optimizer, optBytes],
    [CHECKPOINT_FILES.state, encodeTrainerState(state)],
  ]);
}

const TENSOR_DTYPES: ReadonlySet<string> = new Set(['f32', 'f64', 'i32', 'bool']);

async function readTensors(store: CheckpointStore, step: number, name: string, state: TrainerStateJson): Promise<Map<string, HostTensor>> {
  const file = store.describe(step, name);
  const bytes = await store.read(step, name);
  const expected = state.files[name];
  if (!expected) throw new CheckpointError('INVALID_STATE', `files has no entry for ${name}`, { step, file: store.describe(step, CHECKPOINT_FILES.state), key: `files.${name}` });
  if (bytes.length !== expected.bytes) throw new CheckpointError('CORRUPT', `the file is ${bytes.length} bytes, trainer_state.json recorded ${expected.bytes} (truncated or overwritten)`, { step, file });
  const sum = crc32(bytes);
  if (sum !== expected.crc32) throw new CheckpointError('CORRUPT', `CRC-32 is ${sum}, trainer_state.json recorded ${expected.crc32}`, { step, file });
  let tensors: ReturnType<typeof loadSafetensors>;
  try {
    tensors = loadSafetensors(bytes, { name: file });
  } catch (cause) {
    if (!(cause instanceof SafetensorsError)) throw cause;
    throw new CheckpointError('INVALID_TENSORS', cause.message, { step, file, key: cause.tensor }, { cause });
  }
  const out = new Map<string, HostTensor>();
  for (const [key, t] of tensors) {
    if (!TENSOR_DTYPES.has(t.dtype)) throw new CheckpointError('MISMATCH', `dtype ${t.dtype} is not one a tensor can hold (f32, f64, i32, bool)`, { step, file, key });
    out.set(key, { dtype: t.dtype as DType, shape: t.shape, data: t.data as TypedArray });
  }
  return out;
}

/** Read one checkpoint into memory and validate its files (JSON fields, lengths, CRCs, safetensors headers). */
export async function readCheckpoint(store: CheckpointStore, step: number): Promise<LoadedCheckpoint> {
  const state = parseTrainerState(await store.read(step, CHECKPOINT_FILES.state), store.describe(step, CHECKPOINT_FILES.state), step);
  const model = await readTensors(store, step, CHECKPOINT_FILES.model, state);
  const optimizer = await readTensors(store, step, CHECKPOINT_FILES.optimizer, state);
  return { step, state, model, optimizer };
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Check a loaded checkpoint against the live objects: parameter names, shapes and dtypes,
 * optimizer layout and buffers, scheduler and generators. Throws CheckpointError('MISMATCH').
 */
export function checkCheckpoint(ck: LoadedCheckpoint, targets: CheckpointTargets, store: CheckpointStore): void {
  const { step, state } = ck;
  const modelFile = store.describe(step, CHECKPOINT_FILES.model);
  const optFile = store.describe(step, CHECKPOINT_FILES.optimizer);
  const stateFile = store.describe(step, CHECKPOINT_FILES.state);
  const mismatch = (file: string, key: string | undefined, detail: string): CheckpointError => new CheckpointError('MISMATCH', detail, { step, file, key });
  if (state.params !== targets.params) throw mismatch(stateFile, 'params', `the checkpoint holds ${state.params} parameters, the trainer is set to save ${targets.params}`);

  const live = new Map(modelEntries(targets.model, targets.params));
  for (const [key, t] of live) {
    const saved = ck.model.get(key);
    if (!saved) throw mismatch(modelFile, key, `the model has this ${targets.params === 'trainable' ? 'trainable parameter' : 'key'}, the checkpoint does not (checkpoint keys: ${[...ck.model.keys()].slice(0, 8).join(', ')}${ck.model.size > 8 ? ', …' : ''})`);
    else if (!shapesEqual(saved.shape, t.shape) || saved.dtype !== t.dtype) throw mismatch(modelFile, key, `the checkpoint has ${fmt(saved.shape)} ${saved.dtype}, the model ${fmt(t.shape)} ${t.dtype}`);
  }
  for (const key of ck.model.keys()) if (!live.has(key)) throw mismatch(modelFile, key, `the checkpoint has this key, the model has no ${targets.params === 'trainable' ? 'trainable parameter' : 'key'} of that name`);

  const opt = state.optimizer;
  const optimizer = targets.optimizer;
  if (opt.optimizer !== optimizer.kind) throw mismatch(stateFile, 'optimizer.optimizer', `the checkpoint was written by ${opt.optimizer}, the trainer uses ${optimizer.kind}`);
  if (opt.groups.length !== optimizer.groups.length) throw mismatch(stateFile, 'optimizer.groups', `the checkpoint has ${opt.groups.length} parameter groups, the optimizer ${optimizer.groups.length}`);
  opt.groups.forEach((g, i) => {
    const n = (g.params as readonly number[]).length;
    if (n !== optimizer.groups[i]!.params.length) throw mismatch(stateFile, `optimizer.groups.${i}.params`, `the checkpoint's group ${i} has ${n} parameters, the optimizer's ${optimizer.groups[i]!.params.length}`);
  });
  const params = optimizer.params;
  const listed = new Set<string>();
  for (const [i, names] of Object.entries(opt.buffers)) {
    const param = params[Number(i)];
    if (!param) throw mismatch(stateFile, `optimizer.buffers.${i}`, `names parameter ${i}; the optimizer has ${params.length}`);
    for (const name of names) {
      const key = `state.${i}.${name}`;
      listed.add(key);
      const t = ck.optimizer.get(key);
      if (!t) throw mismatch(optFile, key, 'trainer_state.json lists this buffer, the file does not hold it');
      else if (!shapesEqual(t.shape, param.shape) || t.dtype !== param.dtype) throw mismatch(optFile, key, `the buffer is ${fmt(t.shape)} ${t.dtype}, parameter ${i} (${param.name ?? 'unnamed'}) is ${fmt(param.shape)} ${param.dtype}`);
    }
  }
  for (const key of ck.optimizer.keys()) if (!listed.has(key)) throw mismatch(optFile, key, 'the file holds a buffer trainer_state.json does not list');

  if (targets.scheduler && !state.scheduler) throw mismatch(stateFile, 'scheduler', 'the trainer has a learning-rate scheduler, the checkpoint has no scheduler state');
  if (!targets.scheduler && state.scheduler) throw mismatch(stateFile, 'scheduler', 'the checkpoint has scheduler state, the trainer has no scheduler');
  if (state.scheduler && state.scheduler.baseLrs.length !== optimizer.groups.length) throw mismatch(stateFile, 'scheduler.baseLrs', `holds ${state.scheduler.baseLrs.length} base learning rates for ${optimizer.groups.length} groups`);
  for (const name of targets.generators.keys()) if (!(name in state.generators)) throw mismatch(stateFile, `generators.${name}`, `the trainer has a generator '${name}', the checkpoint has none (it has: ${Object.keys(state.generators).join(', ') || 'none'})`);
}

/**
 * Assign a checked checkpoint into the live objects. The optimizer goes first: it validates its
 * whole dict before changing anything, and what it checks beyond `checkCheckpoint`
 * (hyperparameter names) could fail; everything after it was checked already.
 */
export function applyCheckpoint(ck: LoadedCheckpoint, targets: CheckpointTargets, store: CheckpointStore): void {
  const created: Tensor[] = [];
  const upload = (host: HostTensor, like: Tensor): Tensor => {
    const t = fromArray(host.data, host.shape, { dtype: host.dtype, backend: like.backend });
    created.push(t);
    return t;
  };
  try {
    const opt = ck.state.optimizer;
    const params = targets.optimizer.params;
    const state: Record<number, Record<string, Tensor>> = {};
    for (const [i, names] of Object.entries(opt.buffers)) {
      const buffers: Record<string, Tensor> = {};
      for (const name of names) buffers[name] = upload(ck.optimizer.get(`state.${i}.${name}`)!, params[Number(i)]!);
      state[Number(i)] = buffers;
    }
    const dict = { optimizer: opt.optimizer, step: opt.step, groups: opt.groups, state, paramSteps: opt.paramSteps } as unknown as OptimizerStateDict<never>;
    try {
      targets.optimizer.loadStateDict(dict);
    } catch (cause) {
      throw new CheckpointError('MISMATCH', `the optimizer rejected the saved state: ${(cause as Error).message}`, { step: ck.step, file: store.describe(ck.step, CHECKPOINT_FILES.state), key: 'optimizer' }, { cause });
    }
    const live = new Map(modelEntries(targets.model, targets.params));
    const values: Record<string, Tensor> = {};
    for (const [key, host] of ck.model) values[key] = upload(host, live.get(key)!);
    targets.model.loadStateDict(values, { strict: targets.params === 'all' });
    if (targets.scheduler && ck.state.scheduler) targets.scheduler.loadStateDict(ck.state.scheduler);
    for (const [name, g] of targets.generators) g.setState(ck.state.generators[name]!);
  } finally {
    for (const t of created) t.dispose();
  }
}
