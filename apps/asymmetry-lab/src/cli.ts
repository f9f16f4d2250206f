// Command line → typed options, one parser per subcommand. Pure (no I/O) so it is testable.
import { parseArgs } from 'node:util';
import { BACKEND_REQUESTS, type BackendRequest } from './backend.ts';
import { METHODS } from './methods.ts';

export const COMMANDS = ['demo', 'theory', 'similarity', 'bounds', 'pretrain'] as const;
export type Command = (typeof COMMANDS)[number];

export class UsageError extends Error {
  override name = 'UsageError';
}

const COMMON = `Common options:
  --backend B         auto (default) | cpu | wasm | webgpu; auto takes WebGPU on a real GPU and WASM
                      when the only adapter is a CPU fallback (llvmpipe) or none (env WEBPEFT_BACKEND also forces one)
  --out DIR           parent folder of the results (default runs/asymmetry-lab)
  --name NAME         run folder under --out (default: the command's name); rerunning resumes it
  --fresh             delete the run folder first instead of resuming
  -h, --help          this help`;

export const USAGE = `Usage: webpeft-asymmetry-lab <command> [options]

"Asymmetry in Low-Rank Adapters of Foundation Models" (Zhu et al., 2024) in miniature.

Commands:
  demo        Table 5 in miniature (the main job): a small pretrained ViT fine-tuned on one
              RotatedMNIST domain with FT, LP, LoRA r=8, B-only r=8/16, A-only r=8 over several
              seeds; in-domain / out-of-domain accuracy, train–test gap, A/B similarity heatmaps
  theory      §4.1: gradient-trained B (A random orthonormal, frozen) vs A (B random, frozen) on a
              linear regression, against the closed forms of Lemmas 4.1 / 4.2
  similarity  Figure 1: learned A and B compared across seeds, tasks and inits, per layer
  bounds      Lemma 4.5 for the ViT's target layers; the rank B-only may use at equal bound
  pretrain    train the small ViT on the 0° domain and save the checkpoint the demo starts from

Run 'webpeft-asymmetry-lab <command> --help' for the command's options.
`;

const HELP: Record<Command, string> = {
  demo: `Usage: webpeft-asymmetry-lab demo [options]

Options:
  --seeds N           seeds per method (default 3)
  --steps N           optimizer steps per run (default 250)
  --batch N           batch size (default 64)
  --train-size N      training images from the fine-tuning domain (default 2000)
  --eval-per-domain N held-out images per domain for accuracy (default 600)
  --domain DEG        fine-tuning domain: 15, 30, 45, 60 or 75 (default 45)
  --methods LIST      subset of ${METHODS.map((m) => m.id).join(',')}
  --checkpoint DIR    pretrained ViT (default: the committed apps/asymmetry-lab/checkpoints/vit-mnist0)
  --quick             a smoke run: 2 steps, 1 seed, 64 training and 32 evaluation images per domain
${COMMON}`,
  theory: `Usage: webpeft-asymmetry-lab theory [options]

Options:
  --d N               input and output dimension (default 32)
  --r N               adapter rank (default 4)
  --steps N           gradient steps on the expected loss (default 400)
  --lr X              step size (default 0.1)
  --seeds N           random problems, each with fresh Q and U (default 5)
  --input-decay X     eigenvalues of Σ fall as k^-X (default 1; 0 = isotropic)
${COMMON}`,
  similarity: `Usage: webpeft-asymmetry-lab similarity [options]

Options:
  --seeds N           runs per setting (default 2)
  --steps N           optimizer steps per run (default 120)
  --batch N           batch size (default 64)
  --train-size N      training images per task (default 1000)
  --r N               LoRA rank (default 8)
  --quick             2 steps, 64 images
${COMMON}`,
  bounds: `Usage: webpeft-asymmetry-lab bounds [options]

Options:
  --r N               LoRA rank to compare against (default 8)
  --n N               training samples (default 2000)
  --q N               bits per parameter (default 32)
  --sigma X           sub-Gaussian parameter of the loss (default 1)
  --checkpoint DIR    the ViT whose query/value layers are adapted (default: the committed one)
${COMMON}`,
  pretrain: `Usage: webpeft-asymmetry-lab pretrain [options]

Options:
  --steps N           optimizer steps (default 1500)
  --batch N           batch size (default 64)
  --train-size N      0° training images (default 10000)
  --seed N            seed of the init and data order (default 0)
  --save DIR          where config.json + model.safetensors go (default apps/asymmetry-lab/checkpoints/vit-mnist0)
${COMMON}`,
};

export function commandHelp(c: Command): string {
  return `${HELP[c]}\n`;
}

export interface CommonOptions {
  readonly command: Command;
  readonly help: boolean;
  readonly backend: BackendRequest;
  readonly outRoot: string;
  readonly name: string;
  readonly fresh: boolean;
  readonly quick: boolean;
  /** Numeric flags that were given, by name (e.g. 'steps', 'train-size'). */
  readonly numbers: Readonly<Record<string, number>>;
  readonly strings: Readonly<Record<string, string>>;
}

const NUMERIC: Record<Command, readonly string[]> = {
  demo: ['seeds', 'steps', 'batch', 'train-size', 'eval-per-domain'],
  theory: ['d', 'r', 'steps', 'lr', 'seeds', 'input-decay'],
  similarity: ['seeds', 'steps', 'batch', 'train-size', 'r'],
  bounds: ['r', 'n', 'q', 'sigma'],
  pretrain: ['steps', 'batch', 'train-size', 'seed'],
};
const STRINGS: Record<Command, readonly string[]> = { demo: ['domain', 'methods', 'checkpoint'], theory: [], similarity: [], bounds: ['checkpoint'], pretrain: ['save'] };
const INTEGER_EXCEPTIONS = new Set(['lr', 'input-decay', 'sigma']);

export function parseCli(argv: readonly string[]): CommonOptions {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    return { command: 'demo', help: true, backend: 'auto', outRoot: '', name: '', fresh: false, quick: false, numbers: {}, strings: { topLevel: 'true' } };
  }
  if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command '${first}'; choose from ${COMMANDS.join(', ')}`);
  const command = first as Command;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { backend: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' }, fresh: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
  if (command === 'demo' || command === 'similarity') options['quick'] = { type: 'boolean' };
  for (const k of [...NUMERIC[command], ...STRINGS[command]]) options[k] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
  const backend = (values['backend'] as string | undefined) ?? 'auto';
  if (!(BACKEND_REQUESTS as readonly string[]).includes(backend)) throw new UsageError(`--backend expects one of ${BACKEND_REQUESTS.join(', ')}, got '${backend}'`);
  const numbers: Record<string, number> = {};
  for (const k of NUMERIC[command]) {
    const v = values[k] as string | undefined;
    if (v === undefined) continue;
    const n = Number(v);
    const integer = !INTEGER_EXCEPTIONS.has(k);
    if (!Number.isFinite(n) || (integer && (!Number.isInteger(n) || n < (k === 'seed' ? 0 : 1))) || (!integer && n < 0) || (k === 'lr' && n === 0)) {
      throw new UsageError(`--${k} expects ${integer ? `an integer ≥ ${k === 'seed' ? 0 : 1}` : k === 'lr' ? 'a positive number' : 'a number ≥ 0'}, got '${v}'`);
    }
    numbers[k] = n;
  }
  const strings: Record<string, string> = {};
  for (const k of STRINGS[command]) if (values[k] !== undefined) strings[k] = values[k] as string;
  if (strings['methods'] !== undefined) {
    const ids = strings['methods'].split(',').map((x) => x.trim()).filter(Boolean);
    const bad = ids.filter((id) => !METHODS.some((m) => m.id === id));
    if (bad.length || !ids.length) throw new UsageError(`--methods: unknown method(s) '${bad.join(',')}'; choose from ${METHODS.map((m) => m.id).join(', ')}`);
  }
  if (strings['domain'] !== undefined && !['15', '30', '45', '60', '75'].includes(strings['domain'])) throw new UsageError(`--domain expects 15, 30, 45, 60 or 75 (0° is the pretraining domain), got '${strings['domain']}'`);
  return {
    command, help: values['help'] === true, backend: backend as BackendRequest, outRoot: (values['out'] as string | undefined) ?? 'runs/asymmetry-lab',
    name: (values['name'] as string | undefined) ?? command, fresh: values['fresh'] === true, quick: values['quick'] === true, numbers, strings,
  };
}
