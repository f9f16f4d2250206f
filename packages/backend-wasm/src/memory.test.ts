// Memory: a 1,000-step LoRA training loop keeps linear memory flat; sizes beyond wasm32 are a
// typed error naming the bytes; size classes bound the slack.
import { describe, expect, it } from 'vitest';
import { runLoraMemoryLoop } from '@webpeft/tensor/testing';
import { add, broadcastTo, fromArray, tidy, zeros } from '@webpeft/tensor';
import { Heap, WASM32_MAX_BYTES, WasmMemoryError, sizeClass, wasmBackend } from './mod.ts';

describe('wasm memory', () => {
  it('a 1,000-step LoRA training loop keeps memory flat (2 threads)', async () => {
    const backend = await wasmBackend({ threads: 2 });
    const { firstLoss, lastLoss, before, after } = await runLoraMemoryLoop(backend);
    expect(after.bytes).toBe(before.bytes);
    expect(after.allocations).toBe(before.allocations);
    expect(after.reservedBytes).toBe(before.reservedBytes);
    expect(after.memoryBytes).toBe(before.memoryBytes);
    expect(lastLoss).toBeLessThan(firstLoss * 0.9);
    backend.dispose();
  });

  it('refuses a tensor beyond wasm32 memory, naming the size', async () => {
    const backend = await wasmBackend({ threads: 1 });
    const n = 2 ** 31; // 8 GiB of f32, as the output of an op (no host array of that size)
    const big = () => tidy(() => broadcastTo(fromArray([1], [1], { backend }), [n]));
    expect(big).toThrow(WasmMemoryError);
    expect(big).toThrow(/the f32 output \[2147483648\] of broadcastTo needs 8589934592 bytes \(8\.00 GiB\), but wasm32 linear memory holds at most 4\.00 GiB/);
    expect(() => backend.upload(new Float32Array(4), 'f32')).not.toThrow();
    // the backend is still usable afterwards
    expect(Array.from(tidy(() => add(zeros([3], { backend }), 1).dataSync()))).toEqual([1, 1, 1]);
  });

  it('turns a failed memory.grow into the same typed error', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const heap = new Heap(memory, 0);
    expect(() => heap.alloc(3 * 65536, 'a test block')).toThrow(WasmMemoryError);
    expect(() => heap.alloc(3 * 65536, 'a test block')).toThrow(/a test block needs 196608 bytes/);
    expect(heap.stats().allocations).toBe(0);
  });

  it('reuses released blocks of the same size class', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 100 }), 1024);
    const a = heap.alloc(1000);
    heap.release(a);
    const b = heap.alloc(900);
    expect(b.ptr).toBe(a.ptr);
    expect(heap.stats()).toMatchObject({ bytes: 900, allocations: 1 });
  });

  it('size classes are 64-byte aligned with at most 25% slack', () => {
    for (const n of [1, 63, 64, 65, 100, 1000, 4097, 123_457, 2 ** 28 + 1]) {
      const c = sizeClass(n);
      expect(c % 64).toBe(0);
      expect(c).toBeGreaterThanOrEqual(n);
      if (n > 256) expect(c / n).toBeLessThanOrEqual(1.25 + 1e-9);
    }
    expect(WASM32_MAX_BYTES).toBe(4 * 2 ** 30);
  });
});
