import { describe, expect, it } from 'vitest';
import { fromArray, add } from '@webpeft/tensor';
import { DeviceLostError, type WebGPUBackend } from './mod.ts';
import { tryBackend } from './_gpu-test.ts';

const { backend, reason } = await tryBackend();

describe.skipIf(!backend)(`WebGPU device errors (${backend?.report.via ?? reason})`, () => {
  it('a lost device turns every later op and readback into DeviceLostError', async () => {
    const { backend: fresh } = await tryBackend();
    const b = fresh as WebGPUBackend;
    const x = fromArray([1, 2, 3], [3], { backend: b });
    expect(Array.from(await add(x, x).data())).toEqual([2, 4, 6]);
    b.device.destroy();
    await b.device.lost;
    expect(() => add(x, x)).toThrow(DeviceLostError);
    expect(() => add(x, x)).toThrow(/device was lost/);
    await expect(x.data()).rejects.toThrow(DeviceLostError);
  });
});
