// @webpeft/tensor/testing: the conformance suite and gradient checks every backend runs.
export { type Tolerance, type Mismatch, findMismatch, assertClose, maxAbs, ConformanceError } from './compare.ts';
export { type GradCheckOptions, gradCheck } from './gradcheck.ts';
export { type FixtureTensor, type OpFixtureCase, type OpFixtureFile, type CaseOptions, DEFAULT_TOLERANCE, checkOpCase, uncoveredOps } from './conformance.ts';
export { OP_TABLE } from './op-table.ts';
export { DROPOUT_CASES, checkDropoutMasks } from './dropout.ts';
export { type LoraLoopOptions, type LoraLoopResult, runLoraMemoryLoop } from './memory-loop.ts';
export { type OpSuiteResult, runOpSuite } from './suite.ts';
export { referenceMatmul } from './reference.ts';
