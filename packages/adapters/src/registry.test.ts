// A new variant needs a definition and one registration: this test adds one without touching any
// other file of the package, then injects, trains, saves and loads it.
import { cpuBackend } from '@webpeft/backend-cpu';
import { type Tensor, add, fromArray, mul, setBackend } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TwoLayerMLP, input, values } from './_test-models.ts';
import { injectAdapter } from './adapter-model.ts';
import { type AdapterBranch, type ResolvedAdapterConfig, defineAdapter, numberOption, resolveCommon } from './method.ts';
import { deserializeAdapter, serializeAdapter } from './peft-io.ts';
import { adapterMethodNames, getAdapterMethod, registerAdapter } from './registry.ts';

setBackend(cpuBackend());

interface ScaleConfig extends ResolvedAdapterConfig {
  readonly init: number;
}

/** Toy method: y = base(x) · (1 + g), one trained scalar gate per layer. */
const gate = defineAdapter<ScaleConfig>({
  name: 'toy-gate',
  peftType: null,
  summary: 'a learned scalar gate per layer (test only)',
  wrapsLayers: true,
  resolve: (options) => ({ ...resolveCommon('toy-gate', options, ['init']), init: numberOption('toy-gate', options, 'init', 0) }),
  createBranch(ctx): AdapterBranch {
    const g: Tensor = fromArray([ctx.config.init], [1], { dtype: ctx.dtype, backend: ctx.backend });
    return {
      adapterName: ctx.adapterName,
      method: 'toy-gate',
      entries: [{ container: 'toy_gate', key: null, tensor: g, trainable: true }],
      forward: (x, base) => mul(base.forward(x), add(g, 1)),
      merge: () => {},
      unmerge: () => {},
    };
  },
  toPeft: (config) => ({ gate_init: config.init }),
  fromPeft: (json) => ({ init: json['gate_init'] }),
});

describe('registry', () => {
  it('lists the built-in methods', () => {
    expect(adapterMethodNames()).toEqual(['lora', 'b-only', 'a-only', 'lora-fa', 'lora-a-svd', 'lora-b-svd', 'lora-a-rand', 'lora-b-rand', 'vera', 'ia3', 'adalora', 'linear-probe', 'full']);
    expect(getAdapterMethod('b-only').peftType).toBe('LORA');
    expect(() => getAdapterMethod('dora')).toThrow(/unknown adapter method 'dora'.*registered methods: lora, b-only/);
  });

  it('a toy method registered from outside works end to end', async () => {
    registerAdapter(gate);
    expect(() => registerAdapter(gate)).toThrow(/already registered/);
    const model = new TwoLayerMLP(4, 4, 4);
    const x = input([2, 4]);
    const base = values(model.forward(x));
    const am = await injectAdapter(model, { method: 'toy-gate', init: 0.5, targetModules: ['fc2'] });
    expect(values(model.forward(x))).toEqual(base.map((v) => Math.fround(v * 1.5)));
    expect(Object.keys(model.stateDict())).toContain('fc2.toy_gate.default');
    const saved = await serializeAdapter(am);
    expect(saved.config['gate_init']).toBe(0.5);
    const fresh = new TwoLayerMLP(4, 4, 4);
    await deserializeAdapter(fresh, { config: saved.configJson, weights: saved.weights });
    expect(values(fresh.forward(x))).toEqual(values(model.forward(x)));
  });
});
