import { describe, expect, it } from 'vitest';
import { JsonLinesProgress, ProgressBar, type TrainEvent, createProgress, formatDuration } from './mod.ts';

function sink(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return { chunks, text: () => chunks.join(''), write: (s: string) => void chunks.push(s), isTTY, ...(columns && { columns }) };
}

const step = (n: number, total = 100, rate = 4): TrainEvent => ({ event: 'step', step: n, totalSteps: total, epoch: 0, loss: 0.5 / n, lr: 1e-3, stepsPerSecond: rate, etaSeconds: (total - n) / rate });

describe('progress', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75.4)).toBe('1:15');
    expect(formatDuration(3 * 3600 + 62)).toBe('3:01:02');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('writes one JSON object per line off a terminal (every n-th step, the last always)', () => {
    const out = sink(false);
    const p = createProgress(out, { every: 10 });
    expect(p).toBeInstanceOf(JsonLinesProgress);
    p.report({ event: 'start', step: 0, totalSteps: 25, epoch: 0, resumedFrom: null });
    for (let s = 1; s <= 25; s++) p.report(step(s, 25));
    p.report({ event: 'checkpoint', step: 25, location: '/run/checkpoint-25', pruned: [5] });
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as TrainEvent);
    expect(lines.map((e) => `${e.event}:${e.step}`)).toEqual(['start:0', 'step:10', 'step:20', 'step:25', 'checkpoint:25']);
    expect(lines[1]).toMatchObject({ loss: 0.05, lr: 1e-3, stepsPerSecond: 4, etaSeconds: 3.75 });
  });

  it('draws a bar with rate and ETA on a terminal, rewritten in place and throttled', () => {
    expect(ProgressBar.line(step(25) as Extract<TrainEvent, { event: 'step' }>, 8)).toBe('step  25/100 ██░░░░░░  25% | loss 0.0200 | lr 1.00e-3 | 4.0 it/s | ETA 0:19');
    expect(ProgressBar.line(step(1, 100, 0.25) as Extract<TrainEvent, { event: 'step' }>, 4)).toMatch(/4\.0 s\/it \| ETA 6:36$/);
    let now = 0;
    const out = sink(true, 40);
    const p = createProgress(out, { now: () => now, minIntervalMs: 100 });
    expect(p).toBeInstanceOf(ProgressBar);
    p.report(step(1));
    now = 50;
    p.report(step(2)); // throttled
    now = 200;
    p.report(step(3));
    expect(out.chunks).toHaveLength(2);
    expect(out.chunks[1]!.startsWith('\r\x1b[2Kstep   3/100')).toBe(true);
    expect(out.chunks[1]!.length).toBe('\r\x1b[2K'.length + 39); // cut to the terminal width
    p.report({ event: 'eval', step: 3, epoch: 0, metrics: { loss: 0.25, accuracy: 0.5 } });
    expect(out.chunks.at(-2)).toBe('\r\x1b[2Keval @ step 3: loss 0.2500, accuracy 0.5000\n');
    expect(out.chunks.at(-1)!.startsWith('step   3/100')).toBe(true); // the bar is redrawn below
    p.report(step(100));
    p.report({ event: 'end', step: 100, totalSteps: 100, seconds: 61, loss: 0.005 });
    expect(out.text()).toMatch(/step 100\/100 █+.*\n\r\x1b\[2Kdone: 100\/100 steps in 1:01, last loss 0\.0050\n$/);
    p.close?.();
  });
});
