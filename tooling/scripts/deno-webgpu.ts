// The op conformance suite under Deno's own WebGPU (wgpu; llvmpipe through Vulkan on a CPU-only
// machine): the same PyTorch fixtures the CPU and Dawn backends pass. Prints "N passed, M failed".
import fixtures from '../../packages/tensor/fixtures/ops.json' with { type: 'json' };
import { setBackend } from '@webpeft/tensor';
import { type OpFixtureFile, runOpSuite } from '@webpeft/tensor/testing';
import { NoAdapterError, webgpuBackend } from '@webpeft/backend-webgpu';

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
const { passed, failed: failures } = await runOpSuite(file, backend);
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`${passed} passed, ${failures.length} failed`);
Deno.exit(failures.length ? 1 : 0);
