// PEFT's trainable-parameter line (PeftModel.print_trainable_parameters in peft/peft_model.py):
// `trainable params: {t:,d} || all params: {a:,d} || trainable%: {100·t/a:.4f}`, counting every
// parameter of the model (adapters included) and those with requiresGrad.
import { Module } from '@webpeft/nn';

export interface TrainableReport {
  readonly trainable: number;
  readonly all: number;
  /** 100·trainable/all. */
  readonly percent: number;
  /** The PEFT-formatted line. */
  readonly line: string;
}

/** Python's `{:,d}`: thousands separated by commas. */
export function groupThousands(n: number): string {
  return Math.trunc(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function trainableReport(model: Module | { readonly model: Module }): TrainableReport {
  const m = model instanceof Module ? model : model.model;
  let trainable = 0;
  let all = 0;
  for (const p of m.parameters()) {
    all += p.size;
    if (p.requiresGrad) trainable += p.size;
  }
  const percent = all === 0 ? 0 : (100 * trainable) / all;
  return { trainable, all, percent, line: `trainable params: ${groupThousands(trainable)} || all params: ${groupThousands(all)} || trainable%: ${percent.toFixed(4)}` };
}
