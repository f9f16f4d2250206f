// Loading the shipped modules (wasm/*.wasm next to src/ and dist/) in Node, Deno and browsers.
import { WasmLoadError } from './errors.ts';

/** The kernels of assembly/index.ts, as the compiled module exports them (addresses are byte offsets). */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number, m0: number, m1: number, n0: number, n1: number, scratch: number, bPre: number): void;
  packBAll(b: number, n: number, k: number, transB: number, dst: number): void;
  unaryF32(op: number, x: number, y: number, n: number): void;
  unaryF64(op: number, x: number, y: number, n: number): void;
  unaryI32(op: number, x: number, y: number, n: number): void;
  binary(kind: number, dt: number, op: number, a: number, b: number, y: number, rank: number, meta: number): void;
  cast(from: number, to: number, x: number, y: number, n: number): void;
  where(es: number, c: number, a: number, b: number, y: number, rank: number, meta: number): void;
  reduce(dt: number, op: number, x: number, y: number, a: number, r: number, c: number): void;
  argReduce(dt: number, which: number, x: number, y: number, outer: number, size: number, inner: number): void;
  softmax(dt: number, log: number, x: number, y: number, outer: number, size: number, inner: number): void;
  norm(dt: number, centre: number, x: number, w: number, b: number, y: number, rows: number, d: number, eps: number): void;
  stridedCopy(es: number, src: number, dst: number, rank: number, meta: number): void;
  gather(es: number, x: number, ids: number, y: number, outer: number, size: number, inner: number, nIds: number): void;
  scatterAdd(dt: number, u: number, ids: number, y: number, outer: number, size: number, inner: number, nIds: number): void;
  topk(dt: number, x: number, y: number, rows: number, n: number, k: number, largest: number, scratch: number): void;
  dropoutMask(dt: number, y: number, n: number, k0: number, k1: number, offLo: number, offHi: number, threshold: number, scale: number): void;
}

/** File name of a variant: shared memory (threads) or plain, Relaxed SIMD (FMA) or portable SIMD128. */
export function wasmFile(shared: boolean, relaxed = false): string {
  return `webpeft${shared ? '-mt' : ''}${relaxed ? '-relaxed' : ''}.wasm`;
}

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type section
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // code
]);

/**
 * Whether this engine accepts Relaxed SIMD (f32x4.relaxed_madd): Chrome ≥ 114, Node ≥ 22, Deno,
 * Firefox ≥ 145; Node 20 only with `node --experimental-wasm-relaxed-simd`.
 */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/**
 * Node 20 (V8 11.3) has Relaxed SIMD behind a V8 flag; this sets it for the whole process (worker
 * threads included) when the engine does not validate Relaxed SIMD yet, the same as starting node
 * with `--experimental-wasm-relaxed-simd`. A process-wide switch, so it is the application's call
 * (the webpeft apps and benchmarks make it), never made by the library on its own. Call it before
 * creating a backend; returns whether Relaxed SIMD is available afterwards. Elsewhere a no-op.
 */
export async function enableNodeRelaxedSimd(): Promise<boolean> {
  if (relaxedSimdSupported() || !isNode()) return relaxedSimdSupported();
  const v8 = await nodeBuiltin<{ setFlagsFromString(flags: string): void }>('v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdSupported();
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** Compile (once per process) the module shipped in ../wasm/. */
export function loadModule(shared: boolean, relaxed = false): Promise<WebAssembly.Module> {
  const name = wasmFile(shared, relaxed);
  let m = compiled.get(name);
  if (!m) {
    m = readWasm(name).then((bytes) => WebAssembly.compile(bytes));
    m.catch(() => compiled.delete(name));
    compiled.set(name, m);
  }
  return m;
}

async function readWasm(name: string): Promise<ArrayBuffer> {
  const url = new URL(`../wasm/${name}`, import.meta.url);
  try {
    if (url.protocol === 'file:' && isNode()) {
      const { readFile } = await nodeBuiltin<{ readFile(u: URL): Promise<Uint8Array> }>('fs/promises');
      const b = await readFile(url);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.arrayBuffer();
  } catch (e) {
    throw new WasmLoadError(`backend-wasm: could not read ${url.href}: ${(e as Error).message} (the .wasm files ship in the package's wasm/ folder; a bundler must copy them)`);
  }
}

/**
 * Import a Node built-in at run time. The specifier goes through a variable so bundlers targeting
 * browsers (esbuild, Vite, webpack) leave the import alone instead of failing to resolve `node:*`.
 */
export function nodeBuiltin<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return import(specifier) as Promise<T>;
}

/** Node (not Deno, which also defines `process`). */
export function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  return !g.Deno && !!g.process?.versions?.node;
}

/** Instantiate the module on `memory`; every thread gets its own instance on the same memory. */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
