// tfjs-core + tfjs-backend-wasm (XNNPACK, SIMD) in Node, optionally with its pthreads.
// tfjs-backend-wasm 4.22 disables threads on Node; per ../../shared/notes/peer-benchmarks.md:
// force WASM_HAS_MULTITHREAD_SUPPORT, hand Emscripten a worker file instead of a Blob URL (and
// point the worker's main-script Blob at the real script), keep a timer alive while the workers
// start, and make os.cpus() report 2×threads entries during init (the C++ side uses cores / 2).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

type Tf = typeof import('@tensorflow/tfjs-core');

export async function loadTfjsWasm(threads: number): Promise<{ tf: Tf; threads: number }> {
  // CommonJS builds, so tfjs-core (with its gradients) and the wasm backend share one instance
  const require = createRequire(import.meta.url);
  require('@tensorflow/tfjs'); // registers the gradients on the same tfjs-core instance
  const tf = require('@tensorflow/tfjs-core') as Tf;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (threads <= 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-wasm failed to initialise');
    return { tf, threads: 1 };
  }
  const dir = join(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), '..', 'wasm-out');
  const mainScript = join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const workerFile = join(tmpdir(), `webpeft-tfjs-pthread-${process.pid}.cjs`);
  // inside the worker, the main-script "Blob URL" resolves to the real file
  writeFileSync(workerFile, `URL.createObjectURL = () => ${JSON.stringify(mainScript)}; URL.revokeObjectURL = () => {};\n${wasmWorkerContents.replace(/\n/g, "\\n")}`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const realUrl = URL.createObjectURL;
  const realCpus = os.cpus;
  const keepAlive = setInterval(() => {}, 50);
  URL.createObjectURL = () => workerFile;
  os.cpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]!);
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-wasm (threaded) failed to initialise');
    await tf.ready();
  } finally {
    URL.createObjectURL = realUrl;
    os.cpus = realCpus;
    clearInterval(keepAlive);
  }
  return { tf, threads: wasm.getThreadsCount() };
}
