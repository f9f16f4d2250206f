// Which backend to run on. `auto` (the default) picks WebGPU on a real GPU and this backend when
// the only WebGPU adapter is a CPU fallback (isFallbackAdapter, or llvmpipe / SwiftShader /
// lavapipe in the adapter info) or there is none. A request (`--backend`, or the WEBPEFT_BACKEND
// environment variable, which wins) forces one. The WebGPU probe is injected, so this package
// does not depend on @webpeft/backend-webgpu.

export type BackendKind = 'cpu' | 'wasm' | 'webgpu';

/** What a WebGPU probe found: adapter info, or null when there is no adapter at all. */
export interface WebGPUProbe {
  readonly isFallbackAdapter: boolean;
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
}

export interface SelectOptions {
  /** Finds the WebGPU adapter (e.g. from navigator.gpu or Dawn); null or a throw means none. Only called for 'auto'. */
  readonly probeWebGPU?: () => Promise<WebGPUProbe | null>;
  /** Environment to read WEBPEFT_BACKEND from (default: process.env / Deno.env when present). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface BackendChoice {
  readonly kind: BackendKind;
  /** One line for the CLI: why this backend. */
  readonly reason: string;
  /** The adapter the probe reported, when it ran. */
  readonly adapter: WebGPUProbe | null;
}

const KINDS: readonly string[] = ['auto', 'cpu', 'wasm', 'webgpu'];
const CPU_DRIVER = /llvmpipe|swiftshader|lavapipe|softpipe|software/i;

/** True when a WebGPU adapter is a CPU rasteriser rather than a GPU. */
export function isCpuAdapter(a: WebGPUProbe): boolean {
  return a.isFallbackAdapter || CPU_DRIVER.test([a.vendor, a.architecture, a.device, a.description].join(' '));
}

function readEnv(): Readonly<Record<string, string | undefined>> {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> }; Deno?: { env?: { get(k: string): string | undefined } } };
  if (g.Deno?.env) {
    try {
      return { WEBPEFT_BACKEND: g.Deno.env.get('WEBPEFT_BACKEND') };
    } catch {
      return {}; // no --allow-env
    }
  }
  return g.process?.env ?? {};
}

function describe(a: WebGPUProbe): string {
  return [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') || 'unnamed adapter';
}

/** Decide the backend for `requested` ('auto' by default). */
export async function selectBackend(requested: BackendKind | 'auto' = 'auto', opts: SelectOptions = {}): Promise<BackendChoice> {
  const fromEnv = (opts.env ?? readEnv())['WEBPEFT_BACKEND']?.trim().toLowerCase();
  if (fromEnv) {
    if (!KINDS.includes(fromEnv)) throw new RangeError(`WEBPEFT_BACKEND=${fromEnv} is not one of ${KINDS.join(', ')}`);
    if (fromEnv !== 'auto') return { kind: fromEnv as BackendKind, reason: `forced by WEBPEFT_BACKEND=${fromEnv}`, adapter: null };
  }
  if (!KINDS.includes(requested)) throw new RangeError(`backend '${requested}' is not one of ${KINDS.join(', ')}`);
  if (requested !== 'auto') return { kind: requested, reason: `requested --backend ${requested}`, adapter: null };
  let adapter: WebGPUProbe | null = null;
  let failure = '';
  try {
    adapter = opts.probeWebGPU ? await opts.probeWebGPU() : null;
  } catch (e) {
    failure = `: ${(e as Error).message}`;
  }
  if (!adapter) return { kind: 'wasm', reason: opts.probeWebGPU ? `auto: no WebGPU adapter${failure}` : 'auto: no WebGPU probe given', adapter: null };
  if (isCpuAdapter(adapter)) return { kind: 'wasm', reason: `auto: the WebGPU adapter is a CPU fallback (${describe(adapter)})`, adapter };
  return { kind: 'webgpu', reason: `auto: WebGPU on ${describe(adapter)}`, adapter };
}
