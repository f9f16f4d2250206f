// Transformer feed-forward blocks: fc1 → activation → fc2 (BERT, BART, ViT) and the gated
// SwiGLU form down(act(gate(x)) ⊙ up(x)) of LLaMA (Shazeer 2020, eq. 6).
import { ArgumentError, type Tensor, gelu, geluTanh, mul, relu, sigmoid, silu, tanh } from '@webpeft/tensor';
import { type ModuleOptions, pickModuleOptions } from './init.ts';
import { Linear, type UnaryModule } from './linear.ts';
import { Module } from './module.ts';

/** Activation names as HF configs spell them (`hidden_act`). */
export type ActivationName = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu' | 'silu' | 'swish' | 'tanh' | 'sigmoid';

const ACTIVATIONS: Readonly<Record<ActivationName, (x: Tensor) => Tensor>> = {
  gelu,
  gelu_new: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  relu,
  silu,
  swish: silu,
  tanh,
  sigmoid,
};

/** The function an HF `hidden_act` name stands for. */
export function activation(name: ActivationName): (x: Tensor) => Tensor {
  const f = (ACTIVATIONS as Record<string, ((x: Tensor) => Tensor) | undefined>)[name];
  if (!f) throw new ArgumentError(`unknown activation '${name}'; expected one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  return f;
}

function checkSizes(what: string, hidden: number, intermediate: number): void {
  for (const [k, n] of [['hidden', hidden], ['intermediate', intermediate]] as const) {
    if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`${what}: ${k} must be a positive integer, got ${n}`);
  }
}

export interface MLPOptions extends ModuleOptions {
  readonly hidden: number;
  readonly intermediate: number;
  /** Default 'gelu' (exact erf form). */
  readonly activation?: ActivationName;
  /** Default true. */
  readonly bias?: boolean;
  readonly names?: Partial<{ readonly fc1: string; readonly fc2: string }>;
}

/** fc2(act(fc1(x))). */
export class MLP extends Module {
  readonly fc1: UnaryModule;
  readonly fc2: UnaryModule;
  readonly activation: ActivationName;
  readonly #act: (x: Tensor) => Tensor;

  constructor(opts: MLPOptions) {
    super();
    checkSizes('MLP', opts.hidden, opts.intermediate);
    this.activation = opts.activation ?? 'gelu';
    this.#act = activation(this.activation);
    const names = { fc1: 'fc1', fc2: 'fc2', ...opts.names };
    const lin = { ...pickModuleOptions(opts), bias: opts.bias ?? true };
    this.fc1 = this.registerModule(names.fc1, new Linear(opts.hidden, opts.intermediate, lin));
    this.fc2 = this.registerModule(names.fc2, new Linear(opts.intermediate, opts.hidden, lin));
  }

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.#act(this.fc1.forward(x)));
  }
}

export interface GatedMLPOptions extends ModuleOptions {
  readonly hidden: number;
  readonly intermediate: number;
  /** Default 'silu' (SwiGLU). */
  readonly activation?: ActivationName;
  /** Default false (LLaMA). */
  readonly bias?: boolean;
  readonly names?: Partial<{ readonly gate: string; readonly up: string; readonly down: string }>;
}

/** down(act(gate(x)) ⊙ up(x)), children `gate_proj`, `up_proj`, `down_proj` by default. */
export class GatedMLP extends Module {
  readonly gate: UnaryModule;
  readonly up: UnaryModule;
  readonly down: UnaryModule;
  readonly activation: ActivationName;
  readonly #act: (x: Tensor) => Tensor;

  constructor(opts: GatedMLPOptions) {
    super();
    checkSizes('GatedMLP', opts.hidden, opts.intermediate);
    this.activation = opts.activation ?? 'silu';
    this.#act = activation(this.activation);
    const names = { gate: 'gate_proj', up: 'up_proj', down: 'down_proj', ...opts.names };
    const lin = { ...pickModuleOptions(opts), bias: opts.bias ?? false };
    this.gate = this.registerModule(names.gate, new Linear(opts.hidden, opts.intermediate, lin));
    this.up = this.registerModule(names.up, new Linear(opts.hidden, opts.intermediate, lin));
    this.down = this.registerModule(names.down, new Linear(opts.intermediate, opts.hidden, lin));
  }

  forward(x: Tensor): Tensor {
    return this.down.forward(mul(this.#act(this.gate.forward(x)), this.up.forward(x)));
  }
}

