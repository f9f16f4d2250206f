// Which backend the lab runs on (issue 11, "Choosing the backend"): `auto` picks WebGPU on a real
// GPU and the WASM backend when the only adapter is a CPU fallback (llvmpipe, SwiftShader) or there
// is none; `--backend cpu|wasm|webgpu` or WEBPEFT_BACKEND forces one. Every command prints the line.
import { cpuBackend } from '@webpeft/backend-cpu';
import { type BackendKind, type WebGPUProbe, enableNodeRelaxedSimd, selectBackend, wasmBackend } from '@webpeft/backend-wasm';
import { type Backend, setBackend } from '@webpeft/tensor';

export type BackendRequest = BackendKind | 'auto';
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'cpu', 'wasm', 'webgpu'];

export interface ActiveBackend {
  readonly kind: BackendKind;
  readonly backend: Backend;
  /** One line: backend, adapter and why it was chosen. */
  readonly line: string;
}

type WebGPUModule = typeof import('@webpeft/backend-webgpu/node');
type Acquired = Awaited<ReturnType<WebGPUModule['getNodeDevice']>>;

async function webgpuModule(): Promise<WebGPUModule> {
  return import('@webpeft/backend-webgpu/node');
}

/** Set the process-wide backend and say which one it is. */
export async function activateBackend(request: BackendRequest = 'auto', env: Readonly<Record<string, string | undefined>> = process.env): Promise<ActiveBackend> {
  let acquired: Acquired | null = null;
  const probeWebGPU = async (): Promise<WebGPUProbe | null> => {
    const gpu = await webgpuModule();
    acquired = await gpu.getNodeDevice();
    const r = acquired.report;
    return { isFallbackAdapter: r.isFallback, vendor: r.vendor, architecture: r.architecture, device: r.device, description: r.description };
  };
  const choice = await selectBackend(request, { probeWebGPU, env });
  let backend: Backend;
  let adapter = '';
  if (choice.kind === 'cpu') {
    backend = cpuBackend();
    adapter = 'JavaScript typed arrays (reference)';
  } else if (choice.kind === 'wasm') {
    // the lab owns its process: on Node 20 it turns on V8's Relaxed SIMD flag for the FMA kernels
    await enableNodeRelaxedSimd();
    const wasm = await wasmBackend();
    backend = wasm;
    adapter = wasm.summary;
    if (choice.adapter) adapter += `; WebGPU adapter seen: ${describe(choice.adapter)}`;
  } else {
    const gpu = await webgpuModule();
    const got: Acquired = acquired ?? (await gpu.getNodeDevice());
    const webgpu = gpu.createWebGPUBackend(got);
    backend = webgpu;
    const r = webgpu.report;
    adapter = `${describe({ isFallbackAdapter: r.isFallback, vendor: r.vendor, architecture: r.architecture, device: r.device, description: r.description })} via ${r.via}${gpu.isCpuDriver(webgpu) ? ' (a CPU driver: slow)' : ''}`;
  }
  setBackend(backend);
  return { kind: choice.kind, backend, line: `backend: ${choice.kind} — ${adapter} (${choice.reason})` };
}

function describe(a: WebGPUProbe): string {
  return [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') || 'unnamed adapter';
}
