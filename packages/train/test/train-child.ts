// Child process of the SIGKILL test (bundled to .mjs by esbuild in the test's beforeAll):
// trains the fixture run in a run folder, progress as JSON lines on stdout.
//   node train-child.mjs --dir <run folder> [--steps 60] [--every 10] [--delay-ms 0] [--resume]
import { parseArgs } from 'node:util';
import { JsonLinesProgress, runDirectory } from '../src/node/mod.ts';
import { buildRun } from './fixture.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    steps: { type: 'string', default: '60' },
    every: { type: 'string', default: '10' },
    'delay-ms': { type: 'string', default: '0' },
    resume: { type: 'boolean', default: false },
  },
});
if (!values.dir) throw new Error('--dir is required');
const delay = Number(values['delay-ms']);
const run = runDirectory(values.dir);
const { trainer } = buildRun({
  store: run.checkpoints,
  metricsLog: run.metrics,
  progress: new JsonLinesProgress({ write: (s) => process.stdout.write(s) }),
  maxSteps: Number(values.steps),
  checkpointEvery: Number(values.every),
  // wall-clock only: slows the run so the parent can kill it mid-way; values are unaffected
  ...(delay > 0 && { onStep: () => new Promise<void>((resolve) => setTimeout(resolve, delay)) }),
});
const result = await trainer.fit({ resume: values.resume });
await run.metrics.close();
process.stdout.write(`${JSON.stringify({ event: 'result', step: result.step, resumedFrom: result.resumedFrom })}\n`);
