// The rows of the paper's Table 5 in miniature: FT, LP, LoRA r=8, B̂0A_rand r=8 and r=16,
// B_randÂ0 r=8. Adapters go into the attention query and value projections (the paper's ViT
// setting adapts q/v); every method except FT trains a fresh classification head alongside.
export interface MethodSpec {
  /** Stable id used in folder names and JSON. */
  readonly id: string;
  /** The paper's label. */
  readonly label: string;
  /** @webpeft/adapters options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Whether it has LoRA factors to compare (Figure 1 heatmaps). */
  readonly factors: boolean;
  /** Peak learning rate. */
  readonly lr: number;
}

export const TARGET_MODULES: readonly string[] = ['query', 'value'];
export const HEAD = 'classifier';

/** Learning rates fixed up front, not tuned on the results: the usual 10× gap between full fine-tuning and adapters/heads. */
export const LR_FULL = 1e-3;
export const LR_ADAPTER = 1e-2;

const adapter = (method: string, r: number): Readonly<Record<string, unknown>> => ({ method, r, alpha: 2 * r, targetModules: TARGET_MODULES, modulesToSave: [HEAD] });

export const METHODS: readonly MethodSpec[] = [
  { id: 'ft', label: 'FT', options: { method: 'full' }, factors: false, lr: LR_FULL },
  { id: 'lp', label: 'LP', options: { method: 'linear-probe', modulesToSave: [HEAD] }, factors: false, lr: LR_ADAPTER },
  { id: 'lora-r8', label: 'LoRA r=8 (B̂0Â_km)', options: adapter('lora', 8), factors: true, lr: LR_ADAPTER },
  { id: 'b-only-r8', label: 'B̂0A_rand r=8 (B-only)', options: adapter('b-only', 8), factors: true, lr: LR_ADAPTER },
  { id: 'b-only-r16', label: 'B̂0A_rand r=16 (B-only)', options: adapter('b-only', 16), factors: true, lr: LR_ADAPTER },
  { id: 'a-only-r8', label: 'B_randÂ0 r=8 (A-only)', options: adapter('a-only', 8), factors: true, lr: LR_ADAPTER },
];

export function methodById(id: string): MethodSpec {
  const m = METHODS.find((x) => x.id === id);
  if (!m) throw new RangeError(`unknown method '${id}'; choose from ${METHODS.map((x) => x.id).join(', ')}`);
  return m;
}
