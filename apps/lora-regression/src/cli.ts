// Command-line flags → experiment options. Pure (no I/O) so it is testable.
import { parseArgs } from 'node:util';
import { METHODS, type Method, isMethod } from './adapter.ts';
import { DEFAULT_CONFIG, type ExperimentConfig } from './train.ts';

export const DEFAULT_OUT_DIR = 'runs/lora-regression';

export const USAGE = `Usage: webpeft-lora-regression [options]

Trains three rank-r adapters on y = (W0 + Δ)·x + ε (d = ${DEFAULT_CONFIG.dIn}, rank(Δ) = ${DEFAULT_CONFIG.deltaRank})
with plain SGD on the CPU backend and compares their loss:
  lora     A kaiming-uniform, B zero, both trained
  b-only   A random orthonormal and frozen, B from zero
  a-only   B random orthonormal and frozen, A from zero

Options:
  --steps N         SGD steps per method (default ${DEFAULT_CONFIG.steps})
  --seed S          seed of the task, data and inits (default ${DEFAULT_CONFIG.seed})
  --out DIR         where results.json, loss-curve.svg and log.jsonl go (default ${DEFAULT_OUT_DIR})
  --lr LR           learning rate (default ${DEFAULT_CONFIG.learningRate})
  --batch N         batch size (default ${DEFAULT_CONFIG.batchSize})
  --input-rank K    draw x from a random K-dim subspace instead of N(0, I) (default ${DEFAULT_CONFIG.inputRank} = isotropic);
                    e.g. 2 shows the paper's asymmetry: B-only reaches the noise floor, A-only cannot
  --methods LIST    comma-separated subset of ${METHODS.join(',')} (default: all)
  -h, --help        show this help
`;

export interface CliOptions {
  readonly help: boolean;
  readonly outDir: string;
  readonly experiment: Partial<ExperimentConfig>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function int(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} expects an integer ≥ ${min}, got '${value}'`);
  return n;
}

export function parseCli(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        steps: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        lr: { type: 'string' },
        batch: { type: 'string' },
        'input-rank': { type: 'string' },
        methods: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const experiment: { -readonly [K in keyof ExperimentConfig]?: ExperimentConfig[K] } = {};
  const steps = int('steps', values.steps, 1);
  if (steps !== undefined) {
    experiment.steps = steps;
    experiment.logEvery = Math.max(1, Math.round(steps / 10));
  }
  const seed = int('seed', values.seed, 0);
  if (seed !== undefined) experiment.seed = seed;
  const batch = int('batch', values.batch, 1);
  if (batch !== undefined) experiment.batchSize = batch;
  const inputRank = int('input-rank', values['input-rank'], 1);
  if (inputRank !== undefined) {
    if (inputRank > DEFAULT_CONFIG.dIn) throw new UsageError(`--input-rank must be ≤ ${DEFAULT_CONFIG.dIn}, got ${inputRank}`);
    experiment.inputRank = inputRank;
  }
  if (values.lr !== undefined) {
    const lr = Number(values.lr);
    if (!(lr > 0)) throw new UsageError(`--lr expects a positive number, got '${values.lr}'`);
    experiment.learningRate = lr;
  }
  if (values.methods !== undefined) {
    const methods = values.methods.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = methods.filter((m) => !isMethod(m));
    if (bad.length || methods.length === 0) throw new UsageError(`--methods: unknown method(s) '${bad.join(',')}'; choose from ${METHODS.join(', ')}`);
    experiment.methods = methods as Method[];
  }
  return { help: values.help ?? false, outDir: values.out ?? DEFAULT_OUT_DIR, experiment };
}
