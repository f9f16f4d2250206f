// Entry point: `npm run demo` at the repository root builds this file and runs dist/main.js.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, UsageError, parseCli } from './cli.ts';
import { createProgress, type ProgressSink } from './progress.ts';
import { asciiChart, lossCurveSvg, resultsTable } from './report.ts';
import { type ExperimentResult, runExperiment } from './train.ts';

export interface MainIO {
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
  readonly cwd: string;
}

export interface MainOutcome {
  readonly exitCode: number;
  readonly result?: ExperimentResult;
  readonly files?: readonly string[];
}

/** Run the CLI; returns instead of exiting so tests can call it. */
export function main(argv: readonly string[], io: MainIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): MainOutcome {
  let cli;
  try {
    cli = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    return { exitCode: 2 };
  }
  if (cli.help) {
    io.stdout.write(USAGE);
    return { exitCode: 0 };
  }
  const outDir = resolve(io.cwd, cli.outDir);
  mkdirSync(outDir, { recursive: true });
  const log: string[] = [];
  const progress = createProgress(io.stdout, (line) => log.push(line));
  const started = performance.now();
  const result = runExperiment(cli.experiment, progress);
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  const c = result.config;

  const lines = [
    '',
    `LoRA vs B-only vs A-only on y = (W0 + Δ)·x + ε: d = ${c.dIn}, rank(Δ) = ${c.deltaRank}, r = ${c.rank}, α = ${c.alpha}, ` +
      `${c.steps} SGD steps (lr ${c.learningRate}, batch ${c.batchSize}), input rank ${c.inputRank}, seed ${c.seed}; ${seconds.toFixed(1)} s`,
    '',
    resultsTable(result),
    '',
    `Losses are exact expectations over x and ε; the noise floor σ² is ${result.noiseFloor.toPrecision(2)}. ` + '"best reachable" is the closed-form optimum with the frozen factor.',
    '',
    asciiChart(result),
    '',
  ];
  const files = {
    results: join(outDir, 'results.json'),
    svg: join(outDir, 'loss-curve.svg'),
    log: join(outDir, 'log.jsonl'),
  };
  writeFileSync(files.results, `${JSON.stringify({ createdAt: new Date().toISOString(), seconds, ...result }, null, 2)}\n`);
  writeFileSync(files.svg, lossCurveSvg(result));
  writeFileSync(files.log, `${log.join('\n')}\n`);
  lines.push(`Wrote ${Object.values(files).join(', ')}`, '');
  io.stdout.write(lines.join('\n'));
  return { exitCode: 0, result, files: Object.values(files) };
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

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2)).exitCode;
