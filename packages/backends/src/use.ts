// One call that picks a backend, creates it and makes it the default. The decision table is
// backend-wasm's `selectBackend`; this module supplies the WebGPU probe and builds the result.
import { cpuBackend } from '@webpeft/backend-cpu';
import { type BackendChoice, type BackendKind, type WebGPUProbe, selectBackend, WasmBackend, wasmBackend, type WasmBackendOptions } from '@webpeft/backend-wasm';
import { type AcquiredDevice, type AdapterReport, createWebGPUBackend } from '@webpeft/backend-webgpu';
import { type Backend, setBackend } from '@webpeft/tensor';

export interface UseBackendOptions {
  /** Options for the WASM backend (threads). */
  readonly wasm?: WasmBackendOptions;
  /** Environment to read WEBPEFT_BACKEND from (default: the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Do not make the backend the default (just return it). */
  readonly setDefault?: boolean;
}

export interface ActiveBackend {
  readonly backend: Backend;
  readonly kind: BackendKind;
  /** Why this backend was chosen. */
  readonly reason: string;
  /** The WebGPU adapter seen by the probe (null when none was probed or found). */
  readonly adapter: AdapterReport | null;
  /** One line for CLIs: `backend: wasm — auto: the WebGPU adapter is a CPU fallback (…)`. */
  readonly summary: string;
}

export type AcquireDevice = () => Promise<AcquiredDevice>;

function probeOf(report: AdapterReport): WebGPUProbe {
  return { isFallbackAdapter: report.isFallback, vendor: report.vendor, architecture: report.architecture, device: report.device, description: report.description };
}

/** Choose (auto by default), create and install a backend, acquiring WebGPU with `acquire`. */
export async function useBackendWith(acquire: AcquireDevice, kind: BackendKind | 'auto' = 'auto', opts: UseBackendOptions = {}): Promise<ActiveBackend> {
  let acquired: AcquiredDevice | null = null;
  const probe = async (): Promise<WebGPUProbe | null> => {
    acquired = await acquire();
    return probeOf(acquired.report);
  };
  const choice: BackendChoice = await selectBackend(kind, { probeWebGPU: probe, ...(opts.env ? { env: opts.env } : {}) });
  let backend: Backend;
  const held = acquired as AcquiredDevice | null;
  if (choice.kind === 'webgpu') {
    backend = createWebGPUBackend(held ?? (await acquire()));
  } else {
    held?.device.destroy();
    backend = choice.kind === 'wasm' ? await wasmBackend(opts.wasm ?? {}) : cpuBackend();
  }
  if (opts.setDefault !== false) setBackend(backend);
  const adapter = held?.report ?? (backend as { report?: AdapterReport }).report ?? null;
  const where = (backend instanceof WasmBackend ? ` [${backend.summary}]` : '') + (adapter ? ` [adapter: ${[adapter.description || adapter.device, adapter.via].filter(Boolean).join(', ')}]` : '');
  return { backend, kind: choice.kind, reason: choice.reason, adapter, summary: `backend: ${choice.kind} — ${choice.reason}${where}` };
}
