import { describe, expect, it } from 'vitest';
import { THEORY_DEFAULTS, theoryTable, theoryTrial } from './theory.ts';

describe('theory: gradient training against the closed forms of Lemmas 4.1 and 4.2', () => {
  const o = { ...THEORY_DEFAULTS, d: 8, r: 2, steps: 3000, lr: 0.2, seeds: 3 };
  const trials = [0, 1, 2].map((s) => theoryTrial(o, s));

  it('B trained with A = Q frozen converges to L(Q, B*)', () => {
    for (const t of trials) expect(Math.abs(t.freezeACurve.at(-1)! - t.freezeAOptimum)).toBeLessThan(1e-6 * t.freezeAOptimum);
  });

  it('A trained with B = U frozen converges to L(A*, U)', () => {
    for (const t of trials) expect(Math.abs(t.freezeBCurve.at(-1)! - t.freezeBOptimum)).toBeLessThan(1e-4 * t.freezeBOptimum);
  });

  it('never goes below its closed-form optimum, and decreases monotonically', () => {
    for (const t of trials) {
      for (const [curve, opt] of [[t.freezeACurve, t.freezeAOptimum], [t.freezeBCurve, t.freezeBOptimum]] as const) {
        expect(Math.min(...curve)).toBeGreaterThanOrEqual(opt * (1 - 1e-12));
        for (let i = 1; i < curve.length; i++) expect(curve[i]!).toBeLessThanOrEqual(curve[i - 1]! * (1 + 1e-12));
      }
    }
  });

  it('both start from the loss of ΔW = 0', () => {
    for (const t of trials) expect(t.freezeACurve[0]).toBeCloseTo(t.freezeBCurve[0]!, 10);
  });

  it('prints a table with a mean row', () => {
    const table = theoryTable(trials);
    expect(table.split('\n')).toHaveLength(2 + trials.length + 1);
    expect(table).toContain('| mean |');
  });
});
