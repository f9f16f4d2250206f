// Loading the shipped modules (wasm/*.wasm next to src/ and dist/) in Node, Deno and browsers.
import { WasmLoadError } from './errors.ts';

/** The kernels of assembly/index.ts, as the compiled module exports them (addresses are byte offsets). */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number, m0: number, m1: number, n0: number, n1: number, scratch: number): void;
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

/** File name of a variant: shared memory (threads) or plain. */
export function wasmFile(shared: boolean): string {
  return shared ? 'webpeft-mt.wasm' : 'webpeft.wasm';
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** Compile (once per process) the module shipped in ../wasm/. */
export function loadModule(shared: boolean): Promise<WebAssembly.Module> {
  const name = wasmFile(shared);
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
      const fs = 'node:fs/promises';
      const { readFile } = (await import(fs)) as { readFile(u: URL): Promise<Uint8Array> };
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
