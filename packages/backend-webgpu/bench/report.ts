// Result records and their Markdown rendering (printed to stdout and written under bench/results/).
import type { MatmulCase } from './cases.ts';
import { type Timing, median } from './measure.ts';
import type { StackName } from './stacks.ts';

export type CellStatus = 'ok' | 'skipped' | 'error' | 'wrong';

export interface Cell {
  readonly status: CellStatus;
  readonly timing?: Timing;
  readonly gflops?: number;
  readonly reason?: string;
}

export interface VariantResult {
  readonly plan: { readonly variant: string; readonly slices: number };
  readonly label: string;
  readonly isDefault: boolean;
  readonly cell: Cell;
}

export interface MatmulResult {
  readonly case: MatmulCase;
  readonly cells: Partial<Record<StackName, Cell>>;
  readonly defaultPlan: { readonly variant: string; readonly slices: number };
  readonly variants: readonly VariantResult[];
  readonly winner: string | null;
  /** Default plan's median time over the winner's (1 = the default already wins). */
  readonly defaultOverWinner: number | null;
}

export interface TrainResult {
  readonly stack: StackName;
  readonly lora: Cell;
  readonly bOnly: Cell;
  readonly bOnlyOverLora: number | null;
}

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

export interface BenchReport {
  readonly date: string;
  readonly mode: 'default' | 'full';
  readonly machine: Record<string, unknown>;
  readonly adapter: Record<string, unknown>;
  readonly tfjsWebGPU: { readonly status: 'ok' | 'unavailable'; readonly reason?: string; readonly adapter?: Record<string, unknown> };
  readonly versions: Record<string, string>;
  readonly method: string;
  readonly matmul: readonly MatmulResult[];
  readonly train: { readonly config: Record<string, number>; readonly results: readonly TrainResult[]; readonly webgpuOverTfjsCpu: number | null };
  readonly targets: readonly Target[];
  readonly wallSeconds: number;
}

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const dec = Math.max(0, digits - 1 - mag);
  return x.toFixed(Math.min(dec, 6));
}

export function cellText(c: Cell | undefined, unit: 'gflops' | 'ms'): string {
  if (!c) return '—';
  if (c.status === 'ok') return unit === 'gflops' ? fmt(c.gflops) : fmt(c.timing?.medianMs);
  if (c.status === 'skipped') return '— (skipped)';
  return c.status === 'wrong' ? '✗ wrong' : '✗ error';
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${headers.map(esc).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/**
 * How many times faster `a` is than `b`: the median over rounds of b's time ÷ a's time in the same
 * round. Interleaved measurement makes the i-th sample of every candidate come from round i, so the
 * ratio cancels the drift that moves both (a ratio of medians would not).
 */
export function ratio(a: Cell | undefined, b: Cell | undefined): number | null {
  if (a?.status !== 'ok' || b?.status !== 'ok') return null;
  const xs = a.timing!.samplesMs;
  const ys = b.timing!.samplesMs;
  const n = Math.min(xs.length, ys.length);
  const rs: number[] = [];
  for (let i = 0; i < n; i++) if (xs[i]! > 0) rs.push(ys[i]! / xs[i]!);
  return rs.length ? median(rs) : null;
}

export function renderMarkdown(r: BenchReport): string {
  const out: string[] = [];
  out.push(`# webpeft WebGPU benchmark — ${r.date} (${r.mode} mode)`, '');
  out.push(`- Machine: ${r.machine['cpuModel']} × ${r.machine['logicalCpus']} logical CPUs${r.machine['cpuFlags'] ? ` (${r.machine['cpuFlags']})` : ''}, ${r.machine['platform']}, Node ${r.machine['node']}`);
  out.push(`- WebGPU adapter (webpeft): ${describeAdapter(r.adapter)}`);
  out.push(`- tfjs-webgpu: ${r.tfjsWebGPU.status === 'ok' ? `same Dawn instance and adapter, own device (${describeAdapter(r.tfjsWebGPU.adapter ?? {})})` : `unavailable — ${r.tfjsWebGPU.reason}`}`);
  out.push(`- Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`- Method: ${r.method}`);
  out.push(`- Wall time: ${r.wallSeconds.toFixed(0)} s`, '');

  out.push('## Targets', '');
  out.push(table(['target', 'goal', 'measured', 'met'], r.targets.map((t) => [t.name, t.goal, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'no'])), '');

  out.push('## Matmul throughput (GFLOP/s, median; higher is better)', '');
  const stacks: StackName[] = ['webpeft-webgpu', 'tfjs-webgpu', 'webpeft-cpu', 'tfjs-cpu'];
  out.push(
    table(
      ['shape', ...stacks, 'webpeft-webgpu ÷ tfjs-webgpu (speed-up)', 'webpeft-webgpu ÷ tfjs-cpu (speed-up)'],
      r.matmul.map((m) => [m.case.label, ...stacks.map((s) => cellText(m.cells[s], 'gflops')), fmt(ratio(m.cells['webpeft-webgpu'], m.cells['tfjs-webgpu'])), fmt(ratio(m.cells['webpeft-webgpu'], m.cells['tfjs-cpu']))]),
    ),
    '',
  );

  if (r.matmul.some((m) => m.variants.length)) {
  out.push('## webpeft-webgpu matmul variants (GFLOP/s, median; ★ = fastest, (d) = what planMatmul picks now)', '');
  const labels = ['blocked/1', 'blocked/split', 'tiled/1', 'tiled/split'];
  out.push(
    table(
      ['shape', ...labels, 'default plan', 'winner', 'default time ÷ winner time'],
      r.matmul.map((m) => {
        const cols = labels.map((l) => {
          const v = m.variants.find((x) => x.label.startsWith(l));
          if (!v) return '—';
          const k = v.plan.slices > 1 ? ` (×${v.plan.slices})` : '';
          return `${cellText(v.cell, 'gflops')}${k}${v.label === m.winner ? ' ★' : ''}${v.isDefault ? ' (d)' : ''}`;
        });
        return [m.case.label, ...cols, `${m.defaultPlan.variant}/${m.defaultPlan.slices}`, m.winner ?? '—', fmt(m.defaultOverWinner)];
      }),
    ),
    '',
  );
  }

  out.push(`## LoRA layer train step (N=${r.train.config['N']}, d=${r.train.config['d']}, r=${r.train.config['r']}, α=${r.train.config['alpha']}; ms/step, median; lower is better)`, '');
  out.push(
    table(
      ['stack', 'LoRA (A and B trained)', 'B-only (A frozen)', 'B-only ÷ LoRA'],
      r.train.results.map((t) => [t.stack, cellText(t.lora, 'ms'), cellText(t.bOnly, 'ms'), fmt(t.bOnlyOverLora)]),
    ),
    '',
  );
  out.push(`LoRA step, tfjs-cpu time ÷ webpeft-webgpu time (median of per-round ratios): ${fmt(r.train.webgpuOverTfjsCpu)}`, '');

  const notes: string[] = [];
  const note = (line: string, reason: string | undefined) => {
    if (!reason?.startsWith('tfjs-webgpu unavailable')) notes.push(`${line} — ${reason ?? ''}`); // stated once above
  };
  for (const m of r.matmul) {
    for (const [s, c] of Object.entries(m.cells)) if (c && c.status !== 'ok') note(`- ${m.case.label}, ${s}: ${c.status}`, c.reason);
    for (const v of m.variants) if (v.cell.status !== 'ok' && !v.isDefault) note(`- ${m.case.label}, webpeft-webgpu ${v.label}: ${v.cell.status}`, v.cell.reason);
  }
  for (const t of r.train.results) {
    if (t.lora.status !== 'ok') note(`- train LoRA, ${t.stack}: ${t.lora.status}`, t.lora.reason);
    if (t.bOnly.status !== 'ok') note(`- train B-only, ${t.stack}: ${t.bOnly.status}`, t.bOnly.reason);
  }
  if (notes.length) out.push('## Cells that did not run', '', ...notes, '');
  return out.join('\n');
}

function describeAdapter(a: Record<string, unknown>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== '' && v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}
