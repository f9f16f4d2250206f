// The op conformance suite under Deno's own WebGPU (wgpu; llvmpipe through Vulkan on a CPU-only
// machine): the same PyTorch fixtures the CPU and Dawn backends pass, then every matmul variant ×
// split × layout on the parity shapes (so wgpu's WGSL compiler sees the kernels that this adapter's
// own plan never picks, such as the real-GPU `tiled` one). Prints "N passed, M failed".
import fixtures from '../../packages/tensor/fixtures/ops.json' with { type: 'json' };
import { setBackend } from '@webpeft/tensor';
import { type OpFixtureFile, runOpSuite } from '@webpeft/tensor/testing';
import { NoAdapterError, webgpuBackend } from '@webpeft/backend-webgpu';
import { runMatmulParity } from '../../packages/backend-webgpu/src/_parity-cases.ts';

let backend;
try {
  backend = await webgpuBackend();
} catch (e) {
  if (e instanceof NoAdapterError) {
    console.log(`deno webgpu: skipped — ${e.message}`);
    Deno.exit(0);
  }
  throw e;
}
setBackend(backend);
console.log(`deno ${Deno.version.deno} webgpu adapter: ${JSON.stringify(backend.report)}`);
const file = fixtures as unknown as OpFixtureFile;
const ops = await runOpSuite(file, backend);
const mm = await runMatmulParity(backend);
const passed = ops.passed + mm.passed;
const failures = [...ops.failed, ...mm.failed];
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`${passed} passed, ${failures.length} failed`);
Deno.exit(failures.length ? 1 : 0);
