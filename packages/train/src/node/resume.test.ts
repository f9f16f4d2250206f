// The real thing: a child process trains with checkpoints every 10 steps, is killed with SIGKILL
// mid-run, and restarted with --resume; its loss curve, metrics log and final checkpoint must equal
// those of an uninterrupted run exactly.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILES, parseTrainerState } from '../mod.ts';

let work = '';
let child = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'webpeft-train-kill-'));
  child = join(work, 'train-child.mjs');
  // bundle the child from sources (the `@webpeft/source` export condition, as the tests use)
  await build({
    entryPoints: [join(import.meta.dirname, '..', '..', 'test', 'train-child.ts')],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@webpeft/source'],
    logLevel: 'silent',
  });
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Event {
  readonly event: string;
  readonly step?: number;
  readonly loss?: number;
  readonly resumedFrom?: number | null;
}

interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly events: Event[];
  readonly stderr: string;
}

/** Run the child; with `killAt`, SIGKILL it as soon as its log shows a step ≥ killAt. */
function runChild(args: string[], killAt?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const events: Event[] = [];
    let buffer = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const e = JSON.parse(line) as Event;
        events.push(e);
        if (killAt !== undefined && e.event === 'step' && e.step! >= killAt && proc.exitCode === null) proc.kill('SIGKILL');
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, events, stderr }));
  });
}

const stepLosses = (events: Event[]) => new Map(events.filter((e) => e.event === 'step').map((e) => [e.step!, e.loss!]));

async function finalState(dir: string, step: number) {
  return parseTrainerState(await readFile(join(dir, `checkpoint-${step}`, CHECKPOINT_FILES.state)), 'trainer_state.json', step);
}

describe('resume after SIGKILL', () => {
  it('continues a killed training process with a bit-identical loss curve', async () => {
    const refDir = join(work, 'reference');
    const runDir = join(work, 'killed');
    const reference = await runChild(['--dir', refDir]);
    expect(reference.stderr).toBe('');
    expect(reference.code).toBe(0);
    const refLosses = stepLosses(reference.events);
    expect(refLosses.size).toBe(60);

    const killed = await runChild(['--dir', runDir, '--delay-ms', '20'], 25);
    expect(killed.signal).toBe('SIGKILL');
    const killedLosses = stepLosses(killed.events);
    const lastLogged = Math.max(...killedLosses.keys());
    expect(lastLogged).toBeGreaterThanOrEqual(25);
    expect(lastLogged).toBeLessThan(60);
    for (const [step, loss] of killedLosses) expect(loss, `killed run, step ${step}`).toBe(refLosses.get(step));
    const latest = Number(/checkpoint-(\d+)/.exec(await readFile(join(runDir, 'latest'), 'utf8'))![1]);
    expect(latest).toBeGreaterThanOrEqual(20);

    // killed again right after step 30 is logged: evaluation and checkpoint 30 are being written
    const again = await runChild(['--dir', runDir, '--resume', '--delay-ms', '20'], 30);
    expect(again.signal).toBe('SIGKILL');
    expect(again.events[0]).toMatchObject({ event: 'start', resumedFrom: latest });
    for (const [step, loss] of stepLosses(again.events)) expect(loss, `second killed run, step ${step}`).toBe(refLosses.get(step));
    const latestAgain = Number(/checkpoint-(\d+)/.exec(await readFile(join(runDir, 'latest'), 'utf8'))![1]);
    expect([latest, 30]).toContain(latestAgain);

    const resumed = await runChild(['--dir', runDir, '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.events[0]).toMatchObject({ event: 'start', resumedFrom: latestAgain });
    const resumedLosses = stepLosses(resumed.events);
    expect(Math.min(...resumedLosses.keys())).toBe(latestAgain + 1);
    for (const [step, loss] of resumedLosses) expect(loss, `resumed run, step ${step}`).toBe(refLosses.get(step));

    // the whole curve (restored history + new steps), the metrics log and the final checkpoint match
    const [ref, res] = await Promise.all([finalState(refDir, 60), finalState(runDir, 60)]);
    expect(res.losses).toEqual(ref.losses);
    res.losses.forEach((l, i) => expect(l, `curve, step ${i + 1}`).toBe(refLosses.get(i + 1)));
    expect(res.evals).toEqual(ref.evals);
    expect(await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).toBe(await readFile(join(refDir, 'metrics.jsonl'), 'utf8'));
    for (const file of [CHECKPOINT_FILES.model, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.state]) {
      expect(Buffer.compare(await readFile(join(runDir, 'checkpoint-60', file)), await readFile(join(refDir, 'checkpoint-60', file))), file).toBe(0);
    }
    expect((await readdir(runDir)).sort()).toEqual(['checkpoint-40', 'checkpoint-50', 'checkpoint-60', 'latest', 'metrics.jsonl']);
  });
});
