// The host: CPU model, cores, SIMD width and the fp32 peak the % column is relative to.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface Host {
  readonly cpu: string;
  readonly cores: number;
  readonly isa: 'AVX-512' | 'AVX2' | 'SSE';
  readonly ghz: number;
  /** fp32 GFLOP/s per core: 2 FMA pipes × lanes × 2 flops × clock. */
  readonly peakPerCore: number;
}

export function detectHost(): Host {
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
  } catch {
    // not Linux
  }
  const isa = /\bavx512f\b/.test(flags) ? 'AVX-512' : /\bavx2\b/.test(flags) ? 'AVX2' : 'SSE';
  const info = cpus();
  const mhz = Math.max(...info.map((c) => c.speed)) || 3000;
  // the notes measured 3.2–3.6 GHz under load; a VM's cpuinfo shows its nominal clock (2.6), so use the larger
  const ghz = Math.max(mhz / 1000, 3.34);
  const lanes = isa === 'AVX-512' ? 16 : isa === 'AVX2' ? 8 : 4;
  return { cpu: info[0]?.model ?? 'unknown', cores: info.length, isa, ghz, peakPerCore: 2 * lanes * 2 * ghz };
}
