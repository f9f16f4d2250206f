// Public surface of @webpeft/tensor.
import './autograd.ts';

export * from './errors.ts';
export * from './dtype.ts';
export { type Shape, sizeOf, stridesOf, shapesEqual, broadcastShapes, broadcastStrides, normalizeAxis, normalizeAxes } from './shape.ts';
export { type Backend, type Kernel, type KernelArgs, type KernelTensor, type MemoryInfo, type TensorMeta, registerKernel, getKernel, hasKernel, kernelNames, setBackend, getBackend } from './backend.ts';
export { type OpDef, type GradContext, defineOp, opNames, getOp } from './op.ts';
export { Tensor, type NestedArray, type BackwardSeed } from './tensor.ts';
export { tidy, keep, noGrad, isGradEnabled, countKernels, runOp, fromArray, type TensorContainer, type CreateOptions } from './engine.ts';
export { backward } from './autograd.ts';
export { Generator, type GeneratorState, philox4x32, philoxBits, bitsToUniform, seedToKey, manualSeed, defaultGenerator } from './rng.ts';
export { qr, orthogonalFromGaussian, type QRResult } from './linalg.ts';
export * from './create.ts';
export * from './ops/core.ts';
export * from './ops/elementwise.ts';
export * from './ops/reduce.ts';
export * from './ops/layout.ts';
export * from './ops/matmul.ts';
export * from './ops/indexing.ts';
export * from './ops/nn.ts';
export * from './ops/random.ts';
