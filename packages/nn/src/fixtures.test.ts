// Golden fixtures from PyTorch (fixtures/generate.py): weights loaded by their HF names through
// loadStateDict, forward and gradients compared in f64 on the CPU backend at rtol 1e-9.
import { cpuBackend } from '@webpeft/backend-cpu';
import { Generator, type Tensor, setBackend, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/nn.json' with { type: 'json' };
import { type FixtureTensor, expectClose, fromFixture } from './_test-utils.ts';
import { type ActivationName, type AttentionNames, type Module, type Reduction, Embedding, GatedMLP, LayerNorm, Linear, MLP, MultiHeadAttention, RMSNorm, crossEntropy, mseLoss } from './mod.ts';

setBackend(cpuBackend());

interface NNCase {
  readonly name: string;
  readonly kind: string;
  readonly config: Record<string, unknown>;
  readonly inputs: Record<string, FixtureTensor>;
  readonly intInputs: Record<string, FixtureTensor>;
  readonly options: Record<string, unknown>;
  readonly params: Record<string, FixtureTensor>;
  readonly output: FixtureTensor;
  readonly seed: FixtureTensor;
  readonly grads: Record<string, FixtureTensor>;
}

const cases = (fixtures as unknown as { cases: NNCase[] }).cases;

/** The config fields the layer kinds use (each kind reads its own). */
interface LayerConfig {
  readonly in: number;
  readonly out: number;
  readonly bias: boolean;
  readonly num: number;
  readonly dim: number;
  readonly paddingIdx: number;
  readonly eps: number;
  readonly hidden: number;
  readonly intermediate: number;
  readonly activation: ActivationName;
  readonly names: { fc1: string; fc2: string };
}

type Forward = (inputs: Record<string, Tensor>) => Tensor;

/** The layer a fixture case describes (random init: every value comes from loadStateDict). */
function build(c: NNCase): { module: Module | null; forward: Forward } {
  const cfg = c.config as unknown as LayerConfig;
  const base = { dtype: 'f64' as const, generator: new Generator(1) };
  switch (c.kind) {
    case 'linear': {
      const m = new Linear(cfg.in, cfg.out, { ...base, bias: cfg.bias });
      return { module: m, forward: (x) => m.forward(x.x!) };
    }
    case 'embedding': {
      const m = new Embedding(cfg.num, cfg.dim, { ...base, paddingIdx: cfg.paddingIdx });
      return { module: m, forward: (x) => m.forward(x.ids!) };
    }
    case 'layer_norm': {
      const m = new LayerNorm(cfg.dim, { ...base, eps: cfg.eps });
      return { module: m, forward: (x) => m.forward(x.x!) };
    }
    case 'rms_norm': {
      const m = new RMSNorm(cfg.dim, { ...base, eps: cfg.eps });
      return { module: m, forward: (x) => m.forward(x.x!) };
    }
    case 'attention': {
      const m = new MultiHeadAttention({ ...base, ...(c.config as { hiddenSize: number; numHeads: number; names?: Partial<AttentionNames> }) });
      return {
        module: m,
        forward: (x) =>
          m.forward(x.hidden!, {
            ...(x.attentionMask && { attentionMask: x.attentionMask }),
            ...(x.keyValueStates && { keyValueStates: x.keyValueStates }),
            ...(x.positionIds && { positionIds: x.positionIds }),
          }),
      };
    }
    case 'mlp': {
      const m = new MLP({ ...base, hidden: cfg.hidden, intermediate: cfg.intermediate, activation: cfg.activation, names: cfg.names });
      return { module: m, forward: (x) => m.forward(x.x!) };
    }
    case 'gated_mlp': {
      const m = new GatedMLP({ ...base, hidden: cfg.hidden, intermediate: cfg.intermediate });
      return { module: m, forward: (x) => m.forward(x.x!) };
    }
    case 'cross_entropy': {
      const o = c.options as { ignoreIndex?: number; labelSmoothing: number; reduction: Reduction; probabilities?: FixtureTensor };
      const opts = { labelSmoothing: o.labelSmoothing, reduction: o.reduction, ...(o.ignoreIndex !== undefined && { ignoreIndex: o.ignoreIndex }) };
      return { module: null, forward: (x) => crossEntropy(x.logits!, o.probabilities ? fromFixture(o.probabilities) : x.targets!, opts) };
    }
    case 'mse': {
      const o = c.options as { reduction: Reduction };
      return { module: null, forward: (x) => mseLoss(x.pred!, x.target!, o) };
    }
    default:
      throw new Error(`fixture kind '${c.kind}' has no builder`);
  }
}

describe('golden fixtures (PyTorch float64)', () => {
  it('cover every layer and loss of the package', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['linear', 'embedding', 'layer_norm', 'rms_norm', 'attention', 'mlp', 'gated_mlp', 'cross_entropy', 'mse']));
  });

  for (const c of cases) {
    it(c.name, () => {
      const { module, forward } = build(c);
      tidy(() => {
        if (module) {
          const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fromFixture(v)]));
          expect(module.loadStateDict(params)).toEqual({ missing: [], unexpected: [] });
        }
        const inputs: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) inputs[k] = fromFixture(v, { requiresGrad: true });
        for (const [k, v] of Object.entries(c.intInputs)) inputs[k] = fromFixture(v);
        const y = forward(inputs);
        expectClose(`${c.name}: output`, y, c.output);
        y.backward(fromFixture(c.seed));
        const state = module?.stateDict() ?? {};
        for (const [key, g] of Object.entries(c.grads)) {
          const [where, name] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)];
          const t = where === 'input' ? inputs[name] : state[name];
          expectClose(`${c.name}: gradient of ${key}`, t?.grad, g);
        }
      });
      module?.dispose();
    });
  }
});
