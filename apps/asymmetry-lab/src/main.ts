// Entry point: `npm run demo` at the repository root builds this file and runs `demo`.
import { realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProgressReporter, type TextSink, createProgress } from '@webpeft/train';
import { activateBackend } from './backend.ts';
import { type CommonOptions, USAGE, UsageError, commandHelp, parseCli } from './cli.ts';
import { defaultCheckpoint } from './paths.ts';

export interface MainIO {
  readonly stdout: TextSink;
  /** Progress goes here (a bar on a terminal, JSON lines otherwise). */
  readonly stderr: TextSink;
  readonly cwd: string;
}

export interface MainOutcome {
  readonly exitCode: number;
  /** The run folder, when a command wrote one. */
  readonly dir?: string;
  readonly summary?: unknown;
}

export interface CommandContext {
  readonly cli: CommonOptions;
  readonly dir: string;
  readonly cwd: string;
  readonly log: (line: string) => void;
  readonly progress: () => ProgressReporter;
  readonly backendLine: string;
  readonly checkpoint: string;
}

const defaultIO = (): MainIO => ({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });

/** Run the CLI; returns instead of exiting so tests can call it. */
export async function main(argv: readonly string[], io: MainIO = defaultIO()): Promise<MainOutcome> {
  let cli: CommonOptions;
  try {
    cli = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    return { exitCode: 2 };
  }
  if (cli.help) {
    io.stdout.write(cli.strings['topLevel'] ? USAGE : commandHelp(cli.command));
    return { exitCode: 0 };
  }
  const log = (line: string): void => void io.stdout.write(`${line}\n`);
  const active = await activateBackend(cli.backend);
  log(`webpeft asymmetry-lab ${cli.command} — ${active.line}`);
  const dir = resolve(io.cwd, cli.outRoot, cli.name);
  if (cli.fresh) rmSync(dir, { recursive: true, force: true });
  const ctx: CommandContext = {
    cli, dir, cwd: io.cwd, log, progress: () => createProgress(io.stderr, { every: 25 }), backendLine: active.line,
    checkpoint: resolve(io.cwd, cli.strings['checkpoint'] ?? defaultCheckpoint()),
  };
  switch (cli.command) {
    case 'demo':
      return (await import('./demo.ts')).runDemo(ctx);
    case 'theory':
      return (await import('./theory.ts')).runTheory(ctx);
    case 'similarity':
      return (await import('./similarity.ts')).runSimilarity(ctx);
    case 'bounds':
      return (await import('./bounds.ts')).runBounds(ctx);
    case 'pretrain': {
      const { PRETRAIN_DEFAULTS, pretrain } = await import('./pretrain.ts');
      const n = cli.numbers;
      const out = resolve(io.cwd, cli.strings['save'] ?? defaultCheckpoint());
      const acc = await pretrain({
        ...PRETRAIN_DEFAULTS, out, workDir: join(dir, 'work'), steps: n['steps'] ?? PRETRAIN_DEFAULTS.steps, batchSize: n['batch'] ?? PRETRAIN_DEFAULTS.batchSize,
        trainSize: n['train-size'] ?? PRETRAIN_DEFAULTS.trainSize, seed: n['seed'] ?? PRETRAIN_DEFAULTS.seed,
      }, ctx.progress(), log);
      return { exitCode: 0, dir, summary: acc };
    }
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (o) => process.exit(o.exitCode), // exit explicitly: the WASM backend's worker threads would keep the process alive
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
