import { describe, expect, it } from 'vitest';
import { fromArray, softmax, logSoftmax, tidy } from '@webpeft/tensor';
import { tryBackend } from './_gpu-test.ts';

const { backend, reason } = await tryBackend();

describe.skipIf(!backend)(`WebGPU edge cases (${backend?.report.via ?? reason})`, () => {
  it('softmax of a fully masked row (f32 min) is uniform', async () => {
    const min = -3.4028234663852886e38;
    let p: Promise<ArrayLike<number>> = Promise.resolve([]);
    let lp: Promise<ArrayLike<number>> = Promise.resolve([]);
    tidy(() => {
      const x = fromArray([min, min, min, min, 0, 1, 2, 3], [2, 4], { backend: backend! });
      p = softmax(x, -1).data();
      lp = logSoftmax(x, -1).data();
    });
    expect(Array.from((await p) as Float32Array).slice(0, 4)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect((await lp)[0]).toBeCloseTo(Math.log(0.25), 5);
  });
});
