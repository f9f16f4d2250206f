// The training loop: micro-batches with gradient accumulation, optimizer and scheduler steps,
// async loss readback (works on backends without synchronous reads), evaluation, atomic
// checkpoints and exact resume. Everything that decides a step's numbers — parameters,
// optimizer buffers and step counts, scheduler step, generator offsets, data position — is in
// the checkpoint, so a resumed run computes the same losses bit for bit.
import { type Generator, Tensor, defaultGenerator, manualSeed, noGrad, tidy } from '@webpeft/tensor';
import { clipGradNorm } from '@webpeft/optim';
import { configHash } from './hash.ts';
import { type CheckpointTargets, type HostTensor, type TrainableModel, applyCheckpoint, captureCheckpoint, checkCheckpoint, readCheckpoint } from './checkpoint.ts';
import { CheckpointError, NonFiniteLossError, TrainerError } from './errors.ts';
import { type Metric, type StepRecord, toMetrics } from './metrics.ts';
import type { FitOptions, FitResult, ResumeOptions, TrainerOptions } from './options.ts';
import { type ProgressReporter, silentProgress } from './progress.ts';
import type { EvalRecord } from './state.ts';
import { type CheckpointStore, pruneCheckpoints } from './store.ts';

const DAMAGE: ReadonlySet<string> = new Set(['NOT_FOUND', 'MISSING_FILE', 'CORRUPT', 'INVALID_STATE', 'INVALID_TENSORS']);

function positiveInt(value: number | undefined, name: string, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) throw new TrainerError(`Trainer: ${name} must be an integer ≥ ${min}, got ${v}`);
  return v;
}

function disposeTensors(x: unknown, depth = 0): void {
  if (depth > 4 || x === null || typeof x !== 'object') return;
  if (x instanceof Tensor) return x.dispose();
  for (const v of Array.isArray(x) ? x : Object.values(x)) disposeTensors(v, depth + 1);
}

async function host(t: Tensor): Promise<HostTensor> {
  return { dtype: t.dtype, shape: [...t.shape], data: await t.data() };
}

export class Trainer<M extends TrainableModel, B> {
  readonly #o: TrainerOptions<M, B>;
  readonly #accumulation: number;
  readonly #configHash: string | null;
  readonly #metrics: Map<string, Metric<B>>;
  readonly #progress: ProgressReporter;
  #step = 0;
  #epoch = 0;
  #batchIndex = 0;
  #losses: number[] = [];
  #evals: EvalRecord[] = [];
  #resumedFrom: number | null = null;
  #running = false;

  constructor(options: TrainerOptions<M, B>) {
    this.#o = options;
    this.#accumulation = positiveInt(options.gradientAccumulation, 'gradientAccumulation', 1);
    if (options.maxSteps !== undefined) positiveInt(options.maxSteps, 'maxSteps', 1);
    else positiveInt(options.epochs, 'epochs', 1);
    if (options.maxGradNorm !== undefined && !(options.maxGradNorm > 0)) throw new TrainerError(`Trainer: maxGradNorm must be > 0, got ${options.maxGradNorm}`);
    if (options.generators && 'default' in options.generators) throw new TrainerError("Trainer: the generator name 'default' is reserved for the global default generator");
    const ck = options.checkpoint;
    if (ck) {
      positiveInt(ck.every, 'checkpoint.every', 0, 0);
      if (ck.keep !== undefined && ck.keep !== Infinity) positiveInt(ck.keep, 'checkpoint.keep', 1);
    }
    if (options.evaluation) positiveInt(options.evaluation.every, 'evaluation.every', 0, 0);
    this.#metrics = toMetrics(options.evaluation?.metrics ?? {});
    if (this.#metrics.size && !options.evaluation?.predict) throw new TrainerError('Trainer: evaluation.metrics need evaluation.predict (the model output they are computed from)');
    this.#configHash = options.config === undefined ? null : configHash(options.config);
    this.#progress = options.progress ?? silentProgress;
    if (options.seed !== undefined) manualSeed(options.seed);
  }

  /** Optimizer steps completed. */
  get step(): number {
    return this.#step;
  }

  /** Data position: the next micro-batch is batch `batchIndex` of epoch `epoch`. */
  get position(): { readonly epoch: number; readonly batchIndex: number } {
    return { epoch: this.#epoch, batchIndex: this.#batchIndex };
  }

  /** Loss of every step so far (index 0 is step 1). */
  get losses(): readonly number[] {
    return this.#losses;
  }

  get evals(): readonly EvalRecord[] {
    return this.#evals;
  }

  /** Optimizer steps of the whole run. */
  get totalSteps(): number {
    if (this.#o.maxSteps !== undefined) return this.#o.maxSteps;
    let total = 0;
    for (let e = 0; e < (this.#o.epochs ?? 1); e++) total += Math.ceil(this.#o.data.numBatches(e) / this.#accumulation);
    return total;
  }

  #targets(): CheckpointTargets {
    const generators = new Map<string, Generator>([['default', defaultGenerator()]]);
    for (const [name, g] of Object.entries(this.#o.generators ?? {})) generators.set(name, g);
    return { model: this.#o.model, optimizer: this.#o.optimizer, scheduler: this.#o.scheduler, generators, params: this.#o.checkpoint?.params ?? 'trainable' };
  }

  #store(): CheckpointStore {
    const store = this.#o.checkpoint?.store;
    if (!store) throw new TrainerError('Trainer: checkpoints need the `checkpoint: { store, every }` option');
    return store;
  }

  /**
   * Restore the latest checkpoint (or that of `from`). Everything is read and checked before
   * anything is assigned; returns the step it continues after.
   */
  async resume(from?: number, opts: ResumeOptions = {}): Promise<number> {
    const store = this.#store();
    let candidates: number[];
    if (from !== undefined) candidates = [from];
    else {
      const all = (await store.list()).reverse();
      let latest: number | null = null;
      try {
        latest = await store.latest();
      } catch (e) {
        if (!opts.fallback || !(e instanceof CheckpointError)) throw e;
        this.#progress.report({ event: 'warning', step: this.#step, message: `ignoring the latest pointer: ${e.message}` });
      }
      candidates = latest === null ? all : [latest, ...all.filter((s) => s !== latest)];
      if (!opts.fallback) candidates = candidates.slice(0, 1);
    }
    if (!candidates.length) throw new CheckpointError('NOT_FOUND', 'there is no checkpoint to resume from');
    for (const step of candidates) {
      try {
        const ck = await readCheckpoint(store, step);
        const stateFile = store.describe(step, 'trainer_state.json');
        if (!opts.allowConfigChange && ck.state.configHash !== this.#configHash) {
          throw new CheckpointError('CONFIG_CHANGED', `the checkpoint's run configuration hashes to ${ck.state.configHash}, this run's to ${this.#configHash} (pass allowConfigChange to resume anyway)`, { step, file: stateFile, key: 'configHash' });
        }
        if (!opts.allowConfigChange && ck.state.gradientAccumulation !== this.#accumulation) {
          throw new CheckpointError('CONFIG_CHANGED', `the checkpoint accumulated ${ck.state.gradientAccumulation} micro-batches per step, this run ${this.#accumulation}`, { step, file: stateFile, key: 'gradientAccumulation' });
        }
        const targets = this.#targets();
        checkCheckpoint(ck, targets, store);
        applyCheckpoint(ck, targets, store);
        this.#step = ck.state.step;
        this.#epoch = ck.state.epoch;
        this.#batchIndex = ck.state.batchIndex;
        this.#losses = [...ck.state.losses];
        this.#evals = ck.state.evals.map((e) => ({ ...e, metrics: { ...e.metrics } }));
        this.#resumedFrom = step;
        await this.#o.metricsLog?.truncateAfter?.(step);
        return step;
      } catch (e) {
        if (!(e instanceof CheckpointError) || !DAMAGE.has(e.code) || step === candidates[candidates.length - 1]) throw e;
        this.#progress.report({ event: 'warning', step: this.#step, message: `skipping damaged checkpoint ${step}: ${e.message}` });
      }
    }
    throw new CheckpointError('NOT_FOUND', 'no usable checkpoint'); // unreachable: the last candidate rethrows
  }

  /** Write a checkpoint of the current state now, then prune old ones. */
  async saveCheckpoint(): Promise<void> {
    const store = this.#store();
    const files = await captureCheckpoint(this.#targets(), {
      step: this.#step,
      epoch: this.#epoch,
      batchIndex: this.#batchIndex,
      totalSteps: this.totalSteps,
      gradientAccumulation: this.#accumulation,
      configHash: this.#configHash,
      losses: this.#losses,
      evals: this.#evals,
    });
    await store.save(this.#step, files);
    const pruned = await pruneCheckpoints(store, this.#step, this.#o.checkpoint?.keep ?? 3);
    this.#progress.report({ event: 'checkpoint', step: this.#step, location: store.describe(this.#step), pruned });
  }

  /** Evaluate on `evaluation.data` (eval mode, no gradients); records and logs the result. */
  async evaluate(): Promise<Record<string, number>> {
    const ev = this.#o.evaluation;
    if (!ev) throw new TrainerError('Trainer: evaluate() needs the `evaluation` option');
    const { model, lossFn } = this.#o;
    const wantLoss = ev.loss ?? true;
    for (const m of this.#metrics.values()) m.reset();
    let lossSum = 0;
    const n = ev.data.numBatches(0);
    model.eval();
    try {
      for (let i = 0; i < n; i++) {
        const batch = await ev.data.batch(0, i);
        const predict = this.#metrics.size ? ev.predict : undefined;
        const [loss, pred] = noGrad(() => tidy(() => [wantLoss ? lossFn(model, batch) : null, predict ? predict(model, batch) : null] as const));
        if (loss) {
          lossSum += (await loss.data())[0]!;
          loss.dispose();
        }
        if (pred) {
          const values = await host(pred);
          pred.dispose();
          for (const m of this.#metrics.values()) m.update(values, batch);
        }
        if (this.#o.disposeBatches ?? true) disposeTensors(batch);
      }
    } finally {
      model.train();
    }
    const metrics: Record<string, number> = {};
    if (wantLoss) metrics.loss = n ? lossSum / n : Number.NaN;
    for (const [name, m] of this.#metrics) metrics[name] = m.compute();
    const record: EvalRecord = { step: this.#step, epoch: this.#epoch, metrics };
    this.#evals.push(record);
    await this.#o.metricsLog?.append({ event: 'eval', ...record });
    this.#progress.report({ event: 'eval', ...record });
    return metrics;
  }

  /** One optimizer step over the next K micro-batches; returns its mean loss. */
  async #trainStep(): Promise<StepRecord> {
    const { model, optimizer, data, lossFn } = this.#o;
    const n = data.numBatches(this.#epoch);
    const micro = Math.min(this.#accumulation, n - this.#batchIndex);
    const losses: Tensor[] = [];
    try {
      for (let m = 0; m < micro; m++) {
        const batch = await data.batch(this.#epoch, this.#batchIndex + m);
        losses.push(
          tidy(() => {
            const loss = lossFn(model, batch);
            if (!(loss instanceof Tensor) || loss.size !== 1) throw new TrainerError(`lossFn must return a one-element tensor, got ${loss instanceof Tensor ? loss.describe() : typeof loss}`);
            loss.backward(micro === 1 ? undefined : 1 / micro); // the seed scales the loss: mean over micro-batches
            return loss.detach();
          }),
        );
        if (this.#o.disposeBatches ?? true) disposeTensors(batch);
      }
      // one readback per step, after all micro-batches were queued
      const values = await Promise.all(losses.map(async (t) => (await t.data())[0]!));
      for (let m = 0; m < micro; m++) {
        const value = values[m]!;
        if (Number.isFinite(value)) continue;
        optimizer.zeroGrad();
        throw new NonFiniteLossError({ step: this.#step + 1, microBatch: m, epoch: this.#epoch, batchIndex: this.#batchIndex + m, value });
      }
      let loss = values[0]!;
      if (micro > 1) loss = values.reduce((a, b) => a + b, 0) / micro;
      let gradNorm: number | undefined;
      if (this.#o.maxGradNorm !== undefined) {
        const norm = clipGradNorm(optimizer.params, this.#o.maxGradNorm);
        gradNorm = (await norm.data())[0]!;
        norm.dispose();
      }
      const lr = optimizer.groups[0]?.lr ?? Number.NaN;
      optimizer.step();
      this.#o.scheduler?.step();
      optimizer.zeroGrad();
      this.#step++;
      this.#batchIndex += micro;
      if (this.#batchIndex >= n) {
        this.#epoch++;
        this.#batchIndex = 0;
      }
      this.#losses.push(loss);
      return gradNorm === undefined ? { event: 'step', step: this.#step, epoch: this.#epoch, loss, lr } : { event: 'step', step: this.#step, epoch: this.#epoch, loss, lr, gradNorm };
    } finally {
      for (const t of losses) t.dispose();
    }
  }

  /** Train to the end (resuming first if asked); returns the loss curve and evaluations. */
  async fit(opts: FitOptions = {}): Promise<FitResult> {
    if (this.#running) throw new TrainerError('Trainer: fit() is already running');
    this.#running = true;
    try {
      if (opts.resume !== undefined && opts.resume !== false) await this.resume(opts.resume === true ? undefined : opts.resume, opts);
      const { model, optimizer, evaluation, checkpoint } = this.#o;
      const total = this.totalSteps;
      const now = this.#o.now ?? (() => performance.now());
      const evalEvery = evaluation?.every ?? 0;
      const saveEvery = checkpoint?.every ?? 0;
      let lastEval = this.#evals.at(-1)?.step ?? -1;
      let lastSave = this.#resumedFrom ?? -1;
      model.train();
      optimizer.zeroGrad();
      this.#progress.report({ event: 'start', step: this.#step, totalSteps: total, epoch: this.#epoch, resumedFrom: this.#resumedFrom });
      const t0 = now();
      const firstStep = this.#step;
      while (this.#step < total) {
        const batches = this.#o.data.numBatches(this.#epoch);
        if (!Number.isSafeInteger(batches) || batches < 1) throw new TrainerError(`Trainer: the data source has ${batches} batches in epoch ${this.#epoch}; every epoch needs at least one`);
        if (this.#batchIndex >= batches) {
          this.#epoch++;
          this.#batchIndex = 0;
          continue;
        }
        const record = await this.#trainStep();
        await this.#o.metricsLog?.append(record);
        const elapsed = (now() - t0) / 1000;
        const rate = elapsed > 0 ? (this.#step - firstStep) / elapsed : 0;
        this.#progress.report({ ...record, totalSteps: total, stepsPerSecond: rate, etaSeconds: rate > 0 ? (total - this.#step) / rate : null });
        await this.#o.onStep?.(record);
        if (evaluation && evalEvery > 0 && this.#step % evalEvery === 0) {
          await this.evaluate();
          lastEval = this.#step;
        }
        if (checkpoint && saveEvery > 0 && this.#step % saveEvery === 0) {
          await this.saveCheckpoint();
          lastSave = this.#step;
        }
      }
      if (evaluation && (evaluation.atEnd ?? true) && lastEval !== this.#step) await this.evaluate();
      if (checkpoint && (checkpoint.atEnd ?? true) && lastSave !== this.#step) await this.saveCheckpoint();
      this.#progress.report({ event: 'end', step: this.#step, totalSteps: total, seconds: (now() - t0) / 1000, loss: this.#losses.at(-1) ?? null });
      return { step: this.#step, totalSteps: total, losses: [...this.#losses], evals: [...this.#evals], resumedFrom: this.#resumedFrom };
    } finally {
      this.#progress.close?.();
      this.#running = false;
    }
  }
}
