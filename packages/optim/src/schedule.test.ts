// LRScheduler: torch LambdaLR semantics over HF factor functions (the factors themselves are
// checked against the fixtures in fixtures.test.ts).
import { describe, expect, it } from 'vitest';
import { OptimizerError } from './errors.ts';
import { LRScheduler, constantSchedule, cosineWarmupDecay, linearWarmupDecay } from './schedule.ts';

function groups(...lrs: number[]) {
  return { groups: lrs.map((lr) => ({ lr })) };
}

describe('LRScheduler', () => {
  it('applies factor(0) at construction and factor(k) after k steps, to every group', () => {
    const opt = groups(0.1, 0.4);
    const sched = new LRScheduler(opt, linearWarmupDecay({ warmupSteps: 2, totalSteps: 4 }));
    const seen: number[][] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(sched.lrs);
      sched.step();
    }
    expect(seen).toEqual([
      [0, 0],
      [0.05, 0.2],
      [0.1, 0.4],
      [0.05, 0.2],
      [0, 0],
      [0, 0],
    ]);
    expect(sched.baseLrs).toEqual([0.1, 0.4]);
    expect(sched.lastStep).toBe(6);
  });

  it('takes one factor per group', () => {
    const opt = groups(1, 1);
    const sched = new LRScheduler(opt, [constantSchedule(), constantSchedule({ warmupSteps: 4 })]);
    sched.step();
    expect(sched.lrs).toEqual([1, 0.25]);
    expect(() => new LRScheduler(opt, [constantSchedule()])).toThrow(/got 1 factor functions for 2 parameter groups/);
  });

  it('resumes from its state dict', () => {
    const make = () => {
      const opt = groups(0.2);
      return { opt, sched: new LRScheduler(opt, cosineWarmupDecay({ warmupSteps: 1, totalSteps: 10 })) };
    };
    const a = make();
    for (let i = 0; i < 5; i++) a.sched.step();
    const b = make();
    b.sched.loadStateDict(JSON.parse(JSON.stringify(a.sched.stateDict())));
    expect(b.opt.groups[0]!.lr).toBe(a.opt.groups[0]!.lr);
    a.sched.step();
    b.sched.step();
    expect(b.sched.lrs).toEqual(a.sched.lrs);
    expect(() => b.sched.loadStateDict({ step: 1, baseLrs: [1, 2] })).toThrow(/must hold 1 numbers/);
    expect(() => b.sched.loadStateDict({ step: -1, baseLrs: [1] })).toThrow(/non-negative integer/);
  });

  it('validates schedule options', () => {
    expect(() => linearWarmupDecay({ warmupSteps: 1.5, totalSteps: 10 })).toThrow(OptimizerError);
    expect(() => cosineWarmupDecay({ warmupSteps: 0, totalSteps: 10, minRatio: 2 })).toThrow(/minRatio must be in \[0, 1\]/);
    expect(() => constantSchedule({ warmupSteps: -1 })).toThrow(/warmupSteps must be a non-negative integer/);
  });

  it('cosine with minRatio ends at minRatio; linear ends at 0 and stays there', () => {
    expect(cosineWarmupDecay({ warmupSteps: 10, totalSteps: 100, minRatio: 0.1 })(100)).toBeCloseTo(0.1, 15);
    expect(cosineWarmupDecay({ warmupSteps: 10, totalSteps: 100 })(55)).toBeCloseTo(0.5, 15);
    expect(linearWarmupDecay({ warmupSteps: 0, totalSteps: 10 })(25)).toBe(0);
  });
});
