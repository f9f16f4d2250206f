// The same PyTorch-fixture conformance suite the CPU backend passes, in f32 on WebGPU.
import { describe, expect, it } from 'vitest';
import fixtures from '@webpeft/tensor/fixtures/ops.json' with { type: 'json' };
import { type OpFixtureFile, checkDropoutMasks, checkOpCase } from '@webpeft/tensor/testing';
import { countKernels, kernelNames, opNames } from '@webpeft/tensor';
import { tryBackend } from './_gpu-test.ts';
import { WEBGPU } from './mod.ts';

const { backend, reason } = await tryBackend();
const file = fixtures as unknown as OpFixtureFile;
const covered = new Set<string>();

describe.skipIf(!backend)(`WebGPU op conformance (${backend?.report.via ?? reason})`, () => {
  it('reports its adapter', () => {
    console.info(`[backend-webgpu] adapter: ${JSON.stringify(backend!.report)}`);
    expect(backend!.report.via).toMatch(/dawn|navigator/);
  });

  it('has a kernel for every op in the registry', () => {
    expect(opNames().filter((op) => op !== 'reshape' && !kernelNames(WEBGPU).includes(op))).toEqual([]);
  });

  for (const c of file.cases) {
    // f64 and i32 division by zero semantics aside, every case runs in f32
    it(c.name, async () => {
      let done: Promise<void> = Promise.resolve();
      const counts = countKernels(() => {
        done = checkOpCase(c, { backend: backend!, float: 'f32' });
      });
      await done;
      for (const k of counts.keys()) covered.add(k);
    });
  }

  it('dropout masks equal the host Philox stream bit for bit', async () => {
    let done: Promise<void> = Promise.resolve();
    const counts = countKernels(() => {
      done = checkDropoutMasks(backend!, 'f32');
    });
    await done;
    for (const k of counts.keys()) covered.add(k);
  });

  it('exercises every op', () => {
    expect(opNames().filter((op) => op !== 'reshape' && !covered.has(op))).toEqual([]);
  });
});
