import { describe, expect, it } from 'vitest';
import { ArrayDataset, TrainerError, shuffledIndices } from './mod.ts';

describe('shuffledIndices', () => {
  it('is a permutation, a pure function of (seed, epoch), different across epochs and seeds', () => {
    for (const n of [0, 1, 2, 7, 64, 1000]) {
      const p = shuffledIndices(n, 42, 3);
      expect([...p].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(shuffledIndices(n, 42, 3)).toEqual(p);
    }
    const a = shuffledIndices(100, 42, 0);
    expect(shuffledIndices(100, 42, 1)).not.toEqual(a);
    expect(shuffledIndices(100, 43, 0)).not.toEqual(a);
    expect(shuffledIndices(100, 42n, 0)).toEqual(a);
  });

  it('puts each element in each position about equally often', () => {
    const n = 5;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let epoch = 0; epoch < 2000; epoch++) shuffledIndices(n, 9, epoch).forEach((v, pos) => counts[v]![pos]!++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - 400)).toBeLessThan(80);
  });

  it('rejects bad arguments', () => {
    expect(() => shuffledIndices(-1, 0, 0)).toThrow(TrainerError);
    expect(() => shuffledIndices(3, 0, 1.5)).toThrow(/epoch/);
  });
});

describe('ArrayDataset', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);

  it('batches in order without shuffling; the last batch may be short', () => {
    const ds = new ArrayDataset(items, { batchSize: 4, shuffle: false });
    expect(ds.numBatches(0)).toBe(3);
    expect([0, 1, 2].map((i) => ds.batch(0, i))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropLast = new ArrayDataset(items, { batchSize: 4, shuffle: false, dropLast: true });
    expect(dropLast.numBatches(0)).toBe(2);
    expect(() => dropLast.batch(0, 2)).toThrow(/out of range \(2 batches\)/);
  });

  it('shuffles per epoch, covers every example once per epoch, and is addressable by position', () => {
    const ds = new ArrayDataset(items, { batchSize: 3, seed: 5 });
    const epoch = (e: number) => [0, 1, 2, 3].flatMap((i) => ds.batch(e, i));
    expect([...epoch(0)].sort((a, b) => a - b)).toEqual(items);
    expect(epoch(1)).not.toEqual(epoch(0));
    // a fresh instance (a resumed process) sees the same batch at the same position
    expect(new ArrayDataset(items, { batchSize: 3, seed: 5 }).batch(1, 2)).toEqual(ds.batch(1, 2));
  });

  it('collates with the position', () => {
    const ds = new ArrayDataset(items, { batchSize: 5, shuffle: false, collate: (xs, at) => ({ sum: xs.reduce((a, b) => a + b, 0), ...at }) });
    expect(ds.batch(2, 1)).toEqual({ sum: 35, epoch: 2, index: 1 });
  });

  it('rejects bad options', () => {
    expect(() => new ArrayDataset(items, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new ArrayDataset([])).toThrow(/no examples/);
    expect(() => new ArrayDataset([1], { batchSize: 2, dropLast: true })).toThrow(/no full batch/);
    expect(() => new ArrayDataset(items, { seed: -1 })).toThrow(/seed/);
  });
});
