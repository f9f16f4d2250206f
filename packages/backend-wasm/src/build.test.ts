// The shipped .wasm files are what the build produces from assembly/, and the kernel codes the
// bindings send match the registry's op order.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINARY_OPS, COMPARE_OPS, UNARY_OPS } from '@webpeft/tensor';
import { BINARY_CODES, COMPARE_CODES, UNARY_CODES } from './_codes.ts';
import { wasmFile } from './module.ts';

const root = join(import.meta.dirname, '..');

describe('the shipped WebAssembly', () => {
  it('is reproduced byte for byte by npm run build:wasm (AssemblyScript)', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--check'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('has the threads variant on shared memory and the plain one without', () => {
    for (const shared of [true, false]) {
      const bytes = readFileSync(join(root, 'wasm', wasmFile(shared)));
      expect(WebAssembly.validate(bytes)).toBe(true);
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
      expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 16, maximum: 65536, shared }) } })).not.toThrow();
    }
  });

  it('op codes follow the registry order', () => {
    expect([...UNARY_OPS]).toEqual(UNARY_CODES);
    expect([...BINARY_OPS]).toEqual(BINARY_CODES);
    expect([...COMPARE_OPS]).toEqual(COMPARE_CODES);
  });
});
