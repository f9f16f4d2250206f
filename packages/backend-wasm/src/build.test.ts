// The shipped .wasm files are what the build produces from assembly/, and the kernel codes the
// bindings send match the registry's op order.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINARY_OPS, COMPARE_OPS, UNARY_OPS } from '@webpeft/tensor';
import { BINARY_CODES, COMPARE_CODES, UNARY_CODES } from './_codes.ts';
import { enableNodeRelaxedSimd, wasmFile } from './module.ts';
import { v8ShipsRelaxedSimd } from './_test-utils.ts';

const root = join(import.meta.dirname, '..');

describe('the shipped WebAssembly', () => {
  it('is reproduced byte for byte by npm run build:wasm (AssemblyScript)', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--check'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('has the threads variants on shared memory and the plain ones without', async () => {
    expect(await enableNodeRelaxedSimd()).toBe(true);
    for (const [shared, relaxed] of [[true, false], [false, false], [true, true], [false, true]] as const) {
      const bytes = readFileSync(join(root, 'wasm', wasmFile(shared, relaxed)));
      expect(WebAssembly.validate(bytes)).toBe(true);
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
      expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 16, maximum: 65536, shared }) } })).not.toThrow();
    }
  });

  it('uses Relaxed SIMD only in the relaxed builds', () => {
    // A fresh process (no V8 flag): the portable builds validate everywhere; the relaxed one exactly
    // where the engine ships Relaxed SIMD (Node 20: nowhere without the flag, Node ≥ 22: always).
    const files = JSON.stringify([wasmFile(false), wasmFile(true), wasmFile(false, true), wasmFile(true, true)].map((f) => join(root, 'wasm', f)));
    const probe = `const fs = require('fs'); console.log(JSON.stringify(${files}.map((f) => WebAssembly.validate(fs.readFileSync(f)))))`;
    const run = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    const [plain, plainMt, relaxed, relaxedMt] = JSON.parse(run.stdout) as boolean[];
    expect([plain, plainMt]).toEqual([true, true]);
    const ships = v8ShipsRelaxedSimd();
    expect([relaxed, relaxedMt]).toEqual([ships, ships]);
  });

  it('op codes follow the registry order', () => {
    expect([...UNARY_OPS]).toEqual(UNARY_CODES);
    expect([...BINARY_OPS]).toEqual(BINARY_CODES);
    expect([...COMPARE_OPS]).toEqual(COMPARE_CODES);
  });
});
