// Entry of the webpeft WebAssembly module: every kernel, exported by name. Kernels take raw
// addresses in the (imported, possibly shared) linear memory; they never allocate, so one
// module instance per thread can run on the same memory.
export { gemm, gemmScratchBytes, packBAll } from './gemm';
export { unaryF32, unaryF64, unaryI32, binary, cast, where } from './elementwise';
export { reduce, argReduce, softmax, norm } from './reduce';
export { stridedCopy, gather, scatterAdd, topk } from './layout';
export { dropoutMask } from './random';

/** First byte past the module's static data: the host allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
