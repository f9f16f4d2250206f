// Quick per-backend timing of a tiny-ViT train step (not part of the app).
import { Generator, setBackend, tensor, tidy, type Backend } from '@webpeft/tensor';
import { cpuBackend } from '@webpeft/backend-cpu';
import { wasmBackend } from '@webpeft/backend-wasm';
import { nodeWebGPUBackend } from '@webpeft/backend-webgpu/node';
import { ViTForImageClassification, parseViTConfig } from '@webpeft/models';
import { injectAdapter } from '@webpeft/adapters';
import { AdamW } from '@webpeft/optim';

const kind = process.argv[2] ?? 'cpu';
const hidden = Number(process.argv[3] ?? 48);
const layers = Number(process.argv[4] ?? 3);
const batch = Number(process.argv[5] ?? 64);
const backend: Backend = kind === 'cpu' ? cpuBackend() : kind === 'wasm' ? await wasmBackend() : await nodeWebGPUBackend();
setBackend(backend);
const config = parseViTConfig({ model_type: 'vit', hidden_size: hidden, num_hidden_layers: layers, num_attention_heads: 4, intermediate_size: 2 * hidden, image_size: 28, patch_size: 7, num_channels: 1, id2label: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String(i), String(i)])), hidden_act: 'gelu', layer_norm_eps: 1e-12 });
for (const method of ['full', 'lora']) {
  const model = new ViTForImageClassification(config, { generator: new Generator(0) });
  const am = method === 'full' ? await injectAdapter(model, { method: 'full' }) : await injectAdapter(model, { method: 'lora', r: 8, targetModules: ['query', 'value'], modulesToSave: ['classifier'] });
  const params = [...model.parameters()].filter((p) => p.requiresGrad);
  const opt = new AdamW(params, { lr: 1e-3 });
  const x = new Float32Array(batch * 784).map((_, i) => (i % 13) / 13);
  const y = new Int32Array(batch).map((_, i) => i % 10);
  let t0 = 0;
  const steps = 6;
  for (let s = 0; s < steps; s++) {
    if (s === 1) t0 = performance.now();
    const loss = tidy(() => {
      const xt = tensor(x, [batch, 1, 28, 28]);
      const yt = tensor(y, [batch], { dtype: 'i32' });
      const l = model.loss(model.forward(xt), yt);
      l.backward();
      return l;
    });
    await loss.data();
    loss.dispose();
    opt.step();
    opt.zeroGrad?.();
  }
  const per = (performance.now() - t0) / (steps - 1);
  const t1 = performance.now();
  tidy(() => model.forward(tensor(x, [batch, 1, 28, 28]))).dispose();
  console.log(`${kind} h${hidden} L${layers} b${batch} ${method}: ${per.toFixed(1)} ms/step, eval fwd ${(performance.now() - t1).toFixed(1)} ms, trainable ${params.reduce((s, p) => s + p.size, 0)} of ${model.numParameters()}`);
  void am;
}
process.exit(0);
