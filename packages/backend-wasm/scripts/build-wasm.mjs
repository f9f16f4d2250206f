// Compile assembly/ to the four shipped modules with AssemblyScript (a devDependency):
//   wasm/webpeft-mt.wasm  shared imported memory: one instance per worker thread
//   wasm/webpeft.wasm     plain imported memory: pages that are not cross-origin isolated
//   wasm/*-relaxed.wasm   the same two with Relaxed SIMD (FMA in the GEMM micro-kernels), loaded
//                         only where the engine validates them (src/module.ts)
// `node scripts/build-wasm.mjs --check` compiles to memory and fails if the committed files differ.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = ['assembly/index.ts', '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd', '--importMemory', '--initialMemory', '16', '--maximumMemory', '65536'];

const threads = ['--enable', 'threads', '--sharedMemory'];
const relaxed = ['--enable', 'relaxed-simd'];
export const variants = {
  'webpeft-mt.wasm': [...common, ...threads],
  'webpeft.wasm': common,
  'webpeft-mt-relaxed.wasm': [...common, ...threads, ...relaxed],
  'webpeft-relaxed.wasm': [...common, ...relaxed],
};

/** Compile one variant; resolves to its bytes. */
export async function compile(args) {
  let binary = null;
  const stderr = [];
  const { error } = await asc.main([...args, '--outFile', 'out.wasm'], {
    readFile: (name, base) => readFile(join(root, base ?? '', name), 'utf8').catch(() => null),
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
    stderr: { write: (s) => stderr.push(String(s)) },
    stdout: { write: () => {} },
  });
  if (error || !binary) throw new Error(`asc failed: ${error?.message ?? 'no output'}\n${stderr.join('')}`);
  return binary;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const [name, args] of Object.entries(variants)) {
  const bytes = await compile(args);
  const path = join(root, 'wasm', name);
  if (check) {
    const committed = await readFile(path).catch(() => null);
    const same = committed && Buffer.compare(Buffer.from(bytes), committed) === 0;
    if (!same) stale++;
    console.log(`${name}: ${same ? 'up to date' : 'STALE (run npm run build:wasm)'}`);
  } else {
    await writeFile(path, bytes);
    console.log(`${name}: ${bytes.length} bytes`);
  }
}
if (stale) process.exit(1);
