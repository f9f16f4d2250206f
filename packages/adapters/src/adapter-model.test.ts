import { cpuBackend } from '@webpeft/backend-cpu';
import { Linear, mseLoss } from '@webpeft/nn';
import { AdamW } from '@webpeft/optim';
import { setBackend, tidy } from '@webpeft/tensor';
import { describe, expect, it } from 'vitest';
import { TinyClassifier, TwoLayerMLP, input, maxAbsDiff, values } from './_test-models.ts';
import { AdaptedLinear } from './adapted-linear.ts';
import { AdapterModel, injectAdapter } from './adapter-model.ts';
import { AdapterStateError } from './errors.ts';

setBackend(cpuBackend());

/** Move every trainable parameter a little (a stand-in for training). */
function perturb(model: TwoLayerMLP | TinyClassifier, x = input([4, 6]), target = input([4, 4], 1)): void {
  const opt = new AdamW([...model.parameters()].filter((p) => p.requiresGrad), { lr: 0.1 });
  for (let i = 0; i < 3; i++) {
    tidy(() => mseLoss(model.forward(x), target).backward());
    opt.step();
    opt.zeroGrad();
  }
}

describe('several adapters on one model', () => {
  it('add, switch the active one, disable temporarily', async () => {
    const model = new TwoLayerMLP(6, 5, 4);
    const x = input([4, 6]);
    const base = values(model.forward(x));
    const am = await injectAdapter(model, { method: 'b-only', r: 2, targetModules: ['fc1', 'fc2'], seed: 1 }, { adapterName: 'first' });
    perturb(model);
    const first = values(model.forward(x));
    expect(maxAbsDiff(first, base)).toBeGreaterThan(1e-4);

    await am.addAdapter('second', { method: 'lora', r: 3, targetModules: ['fc1'], seed: 2 });
    expect(am.adapterNames).toEqual(['first', 'second']);
    expect(am.activeAdapter).toBe('first'); // adding does not activate (PEFT)
    expect(values(model.forward(x))).toEqual(first);
    am.setActiveAdapter('second');
    expect(values(model.forward(x))).toEqual(base); // its B is still zero
    // only the active adapter's factors train
    const l1 = model.fc1 as AdaptedLinear;
    expect(l1.branch('first')!.entries.map((e) => e.tensor.requiresGrad)).toEqual([false, false]);
    expect(l1.branch('second')!.entries.map((e) => e.tensor.requiresGrad)).toEqual([true, true]);
    perturb(model);
    const second = values(model.forward(x));
    expect(maxAbsDiff(second, first)).toBeGreaterThan(1e-4);

    am.setActiveAdapter('first');
    expect(values(model.forward(x))).toEqual(first);
    const inside = am.withAdaptersDisabled(() => values(model.forward(x)));
    expect(inside).toEqual(base);
    expect(am.disabled).toBe(false);
    expect(values(model.forward(x))).toEqual(first);
    expect(() => am.withAdaptersDisabled(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(values(model.forward(x))).toEqual(first); // restored after an error too
    expect(() => am.setActiveAdapter('third')).toThrow(/no adapter named 'third'; this model has 'first', 'second'/);
    await expect(am.addAdapter('first', { r: 2, targetModules: ['fc1'] })).rejects.toThrow(AdapterStateError);
  });

  it('merge into W0 gives the same outputs; unmerge restores W0', async () => {
    const model = new TwoLayerMLP(6, 5, 4, { dtype: 'f64' });
    const x = input([4, 6], 0, { dtype: 'f64' });
    const w0 = values(model.fc1.weight);
    const am = await injectAdapter(model, { r: 2, targetModules: ['fc1', 'fc2'], b: { init: 'orthogonal' }, a: { init: 'orthogonal' } });
    const adapted = values(model.forward(x));
    am.merge();
    expect(am.mergedAdapters).toEqual(['default']);
    expect(maxAbsDiff(values((model.fc1 as AdaptedLinear).weight), w0)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(values(model.forward(x)), adapted)).toBeLessThan(1e-12);
    expect(() => am.merge()).toThrow(/already merged/);
    // disabling a merged model unmerges for the scope
    const baseOut = am.withAdaptersDisabled(() => values(model.forward(x)));
    expect(am.mergedAdapters).toEqual(['default']);
    am.unmerge();
    expect(maxAbsDiff(values((model.fc1 as AdaptedLinear).weight), w0)).toBeLessThan(1e-14);
    expect(maxAbsDiff(values(model.forward(x)), adapted)).toBeLessThan(1e-12);
    expect(am.withAdaptersDisabled(() => values(model.forward(x)))).toEqual(baseOut);
  });

  it('merge in f32 stays within tolerance; mergeAndUnload leaves plain Linear layers', async () => {
    const model = new TinyClassifier();
    const x = input([2, 3, 8]);
    const am = await injectAdapter(model, { r: 4, targetModules: ['q_proj', 'v_proj', 'fc1'], modulesToSave: ['classifier'], a: { init: 'orthogonal' }, b: { init: 'orthogonal' } });
    perturb(model, x, input([2, 3], 2));
    const adapted = values(model.forward(x));
    am.merge();
    expect(maxAbsDiff(values(model.forward(x)), adapted)).toBeLessThan(1e-5);
    am.unmerge();
    const plain = am.mergeAndUnload();
    expect(plain.attn.q).toBeInstanceOf(Linear);
    expect(Object.keys(plain.stateDict()).some((k) => k.includes('lora_'))).toBe(false);
    expect(maxAbsDiff(values(plain.forward(x)), adapted)).toBeLessThan(1e-5);
    expect(am.adapterNames).toEqual([]);
  });

  it('switching while merged is refused; removeAdapter restores plain layers', async () => {
    const model = new TwoLayerMLP(6, 5, 4);
    const am = await injectAdapter(model, { r: 2, targetModules: ['fc1'] });
    await am.addAdapter('other', { r: 2, targetModules: ['fc1', 'fc2'] });
    am.merge();
    expect(() => am.setActiveAdapter('other')).toThrow(/unmerge\(\) first/);
    expect(() => am.removeAdapter('default')).toThrow(/while it is merged/);
    am.unmerge();
    am.removeAdapter('other');
    expect(model.fc2).toBeInstanceOf(Linear);
    expect(model.fc1).toBeInstanceOf(AdaptedLinear);
    expect((model.fc1 as AdaptedLinear).adapterNames).toEqual(['default']);
    expect(Object.keys(model.stateDict()).filter((k) => k.includes('other'))).toEqual([]);
    am.removeAdapter('default');
    expect(model.fc1).toBeInstanceOf(Linear);
    expect(am.activeAdapter).toBeNull();
  });

  it('modulesToSave: each adapter trains its own copy of the head; disabling restores the base head', async () => {
    const model = new TinyClassifier();
    const x = input([2, 3, 8]);
    const head0 = values(model.classifier.weight);
    const am = await injectAdapter(model, { method: 'b-only', r: 2, targetModules: ['q_proj'], modulesToSave: ['classifier'] }, { adapterName: 'a' });
    await am.addAdapter('b', { method: 'b-only', r: 2, targetModules: ['v_proj'], modulesToSave: ['classifier'] });
    perturb(model, x, input([2, 3], 3));
    const headA = values(model.classifier.weight);
    expect(maxAbsDiff(headA, head0)).toBeGreaterThan(1e-4);
    am.setActiveAdapter('b');
    expect(values(model.classifier.weight)).toEqual(head0); // b starts from the base head
    perturb(model, x, input([2, 3], 4));
    const headB = values(model.classifier.weight);
    am.setActiveAdapter('a');
    expect(values(model.classifier.weight)).toEqual(headA);
    expect(am.withAdaptersDisabled(() => values(model.classifier.weight))).toEqual(head0);
    expect(model.classifier.weight.requiresGrad).toBe(true);
    am.setActiveAdapter('b');
    expect(values(model.classifier.weight)).toEqual(headB);
    expect(values(am.ownedValue('a', model.classifier.weight)!)).toEqual(headA);
  });

  it('bias: lora_only trains the targets\' biases, all trains every bias', async () => {
    const m1 = new TwoLayerMLP(6, 5, 4);
    await injectAdapter(m1, { r: 2, targetModules: ['fc1'], bias: 'lora_only' });
    expect([m1.fc1 as AdaptedLinear].map((l) => l.bias!.requiresGrad)).toEqual([true]);
    expect(m1.fc2.bias!.requiresGrad).toBe(false);
    const m2 = new TwoLayerMLP(6, 5, 4);
    const am = await injectAdapter(m2, { r: 2, targetModules: ['fc1'], bias: 'all' });
    expect(m2.fc2.bias!.requiresGrad).toBe(true);
    expect(am.ownedParameters('default').length).toBe(2);
    expect(new AdapterModel(m2).adapterNames).toEqual([]);
  });

  it('dispose releases the model, the adapters and the saved head values', async () => {
    const model = new TinyClassifier();
    const am = await injectAdapter(model, { method: 'vera', r: 2, targetModules: ['q_proj'], modulesToSave: ['classifier'] });
    const shared = am.adapter('default').shared!.tensors.get('vera_A')!.tensor;
    const lambda = (model.attn.q as AdaptedLinear).branch('default')!.entries[0]!.tensor;
    am.dispose();
    expect([shared.isDisposed, lambda.isDisposed, model.classifier.weight.isDisposed]).toEqual([true, true, true]);
    expect(am.adapterNames).toEqual([]);
  });
});
