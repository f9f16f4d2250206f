// Numeric codes the AssemblyScript kernels switch on (assembly/elementwise.ts, reduce.ts).
// The op lists mirror UNARY_OPS / BINARY_OPS / COMPARE_OPS of @webpeft/tensor; codes.test.ts
// fails if the registry's order ever drifts from what the compiled module expects.
import type { DType } from '@webpeft/tensor';

export const UNARY_CODES: readonly string[] = ['neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'reciprocal', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'gelu', 'geluTanh', 'silu', 'erf', 'floor'];
export const BINARY_CODES: readonly string[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
export const COMPARE_CODES: readonly string[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];

/** dtype → code: 0 f32, 1 i32, 2 bool (u8), 3 f64. */
export const DTYPE_CODE: Readonly<Record<DType, number>> = { f32: 0, i32: 1, bool: 2, f64: 3 };

export function code(list: readonly string[], name: string): number {
  const i = list.indexOf(name);
  if (i < 0) throw new Error(`backend-wasm: no kernel code for op '${name}'`);
  return i;
}
