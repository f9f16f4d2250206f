// The WebGPU backend's correctness checks outside vitest, for a machine that has a real GPU but no
// test runner (the device machine): the PyTorch-fixture op suite, every matmul variant × layout on the
// parity shapes, and the 1,000-step LoRA memory loop, on whatever adapter Dawn picks
// (WEBPEFT_DAWN_BACKEND=vulkan forces Vulkan). Prints one JSON line per part and exits 1 on any failure.
// Usage: node --conditions=@webpeft/source --import tsx bench/gpu-check.ts
import fixtures from '@webpeft/tensor/fixtures/ops.json' with { type: 'json' };
import { type OpFixtureFile, runLoraMemoryLoop, runOpSuite } from '@webpeft/tensor/testing';
import { nodeWebGPUBackend } from '../src/node.ts';
import { runMatmulParity } from '../src/_parity-cases.ts';

const started = performance.now();
const backend = await nodeWebGPUBackend();
const line = (part: string, o: Record<string, unknown>) => console.log(JSON.stringify({ part, s: +((performance.now() - started) / 1000).toFixed(1), ...o }));
line('adapter', { report: backend.report, limits: { maxStorageBufferBindingSize: backend.device.limits.maxStorageBufferBindingSize, maxComputeWorkgroupStorageSize: backend.device.limits.maxComputeWorkgroupStorageSize }, features: [...backend.device.features] });

let failures = 0;
const ops = await runOpSuite(fixtures as unknown as OpFixtureFile, backend, 'f32');
failures += ops.failed.length;
line('op-suite', { passed: ops.passed, failed: ops.failed });

const parity = await runMatmulParity(backend);
const parityFailed = parity.failed.map((m) => m.split('\n')[0]!);
failures += parityFailed.length;
line('matmul-parity', { passed: parity.passed, failed: parityFailed });

const loop = await runLoraMemoryLoop(backend, { settle: () => backend.sync() });
const flat = loop.after.bytes === loop.before.bytes && loop.after.allocations === loop.before.allocations && loop.after.ownedBytes === loop.before.ownedBytes;
const learned = loop.lastLoss < loop.firstLoss * 0.9;
if (!flat || !learned) failures++;
line('lora-memory-loop', { flat, learned, firstLoss: loop.firstLoss, lastLoss: loop.lastLoss, before: loop.before, after: loop.after });

line('done', { failures });
process.exit(failures ? 1 : 0);
