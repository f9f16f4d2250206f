// Parameter initialisation as PyTorch does it (torch.nn.init), drawn on the host from a seeded
// Philox Generator and uploaded once: the same seed gives the same weights on every backend.
import { type Backend, type DType, type Generator, type Shape, ArgumentError, defaultGenerator, fromArray, sizeOf, type Tensor } from '@webpeft/tensor';

/** Float dtypes parameters can have (f64 for gradient checks on the CPU backend). */
export type FloatDType = 'f32' | 'f64';

/** Options every module with parameters accepts. */
export interface ModuleOptions {
  /** Parameter dtype (default f32). */
  readonly dtype?: FloatDType;
  /** Backend the parameters live on (default: the current backend). */
  readonly backend?: Backend;
  /** Random stream for the initial values (default: the global generator). */
  readonly generator?: Generator;
}

/** Only the parameter-creation options of a larger options object (to hand on to child modules). */
export function pickModuleOptions(opts: ModuleOptions): ModuleOptions {
  return { ...(opts.dtype && { dtype: opts.dtype }), ...(opts.backend && { backend: opts.backend }), ...(opts.generator && { generator: opts.generator }) };
}

/** Host values as a tensor of the options' dtype and backend. */
export function valuesInit(values: ArrayLike<number>, shape: Shape, opts: ModuleOptions = {}): Tensor {
  const o: { dtype: DType; backend?: Backend } = { dtype: opts.dtype ?? 'f32' };
  if (opts.backend) o.backend = opts.backend;
  return fromArray(values, shape, o);
}

/** fan_in and fan_out of a weight as `torch.nn.init._calculate_fan_in_and_fan_out` ([out, in, ...kernel]). */
export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new ArgumentError(`fan in/out needs a weight of rank ≥ 2, got shape [${shape.join(', ')}]`);
  const receptive = sizeOf(shape.slice(2));
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** U(low, high) values. */
export function uniformInit(shape: Shape, low: number, high: number, opts: ModuleOptions = {}): Tensor {
  const g = opts.generator ?? defaultGenerator();
  return valuesInit(g.uniform(sizeOf(shape), low, high), shape, opts);
}

/** N(mean, std²) values. */
export function normalInit(shape: Shape, mean: number, std: number, opts: ModuleOptions = {}): Tensor {
  const g = opts.generator ?? defaultGenerator();
  return valuesInit(g.normal(sizeOf(shape), mean, std), shape, opts);
}

/** Every element `value` (ones for norm weights, zeros for biases). */
export function constantInit(shape: Shape, value: number, opts: ModuleOptions = {}): Tensor {
  return valuesInit(new Float64Array(sizeOf(shape)).fill(value), shape, opts);
}

/**
 * `torch.nn.init.kaiming_uniform_(w, a)` with fan_in mode and leaky-ReLU gain:
 * bound = √(2/(1 + a²)) · √(3/fan_in). nn.Linear uses a = √5, i.e. bound = 1/√fan_in.
 */
export function kaimingUniform(shape: Shape, opts: ModuleOptions & { a?: number } = {}): Tensor {
  const a = opts.a ?? Math.sqrt(5);
  const { fanIn } = fans(shape);
  const bound = fanIn > 0 ? Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / fanIn) : 0;
  return uniformInit(shape, -bound, bound, opts);
}
