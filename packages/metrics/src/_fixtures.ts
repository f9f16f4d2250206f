// Test helper: typed views of the committed fixtures (see fixtures/README.md for provenance).
import porterJson from '../fixtures/porter-sample.json' with { type: 'json' };
import referenceJson from '../fixtures/reference.json' with { type: 'json' };
import conformanceJson from '../fixtures/rouge155-cases.json' with { type: 'json' };
import rougeScoreJson from '../fixtures/rouge-score.json' with { type: 'json' };

export type Triple = readonly [number, number, number];

export interface ClassificationCase {
  readonly name: string;
  readonly labels: readonly number[];
  readonly preds: readonly number[];
  readonly accuracy: number;
  readonly mcc: number;
  readonly f1?: number;
}

export interface CorrelationCase {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** null where the statistic is NaN (constant input) */
  readonly pearson: number | null;
  readonly spearman: number | null;
  readonly ranks_x: readonly number[];
}

export interface BootstrapCase {
  readonly name: string;
  readonly seed: number;
  readonly samples: number;
  readonly confidence_interval: number;
  readonly rows: readonly Triple[];
  readonly low: Triple;
  readonly mid: Triple;
  readonly high: Triple;
}

export interface Reference {
  readonly numpy: string;
  readonly classification: readonly ClassificationCase[];
  readonly correlation: readonly CorrelationCase[];
  readonly bootstrap: readonly BootstrapCase[];
  readonly mt19937: readonly { readonly seed: number; readonly words: readonly number[] }[];
}

export interface ConformanceCase {
  readonly name: string;
  readonly rouge_type: 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';
  readonly use_stemmer: boolean;
  readonly target: string;
  readonly prediction: string;
  readonly precision: number;
  readonly recall: number;
  readonly fmeasure: number;
  /** assertAlmostEqual places: |got − want| must round to 0 at this many decimals */
  readonly places: number;
}

export type RougeFixtureType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';

export interface RougeScoreCase {
  readonly target: string;
  readonly prediction: string;
  readonly scores: Readonly<Record<RougeFixtureType, Triple>>;
  readonly stemmed: Readonly<Record<RougeFixtureType, Triple>>;
}

export interface RougeAggregateCase {
  readonly seed: number;
  readonly stemmed: boolean;
  readonly pairs: number;
  readonly samples: number;
  readonly confidence_interval: number;
  readonly expected: Readonly<Record<RougeFixtureType, { readonly low: Triple; readonly mid: Triple; readonly high: Triple }>>;
}

export const REFERENCE = referenceJson as unknown as Reference;
export const CONFORMANCE = conformanceJson as unknown as { readonly source: string; readonly cases: readonly ConformanceCase[] };
export const ROUGE_SCORE = rougeScoreJson as unknown as {
  readonly types: readonly RougeFixtureType[];
  readonly cases: readonly RougeScoreCase[];
  readonly bootstrap: readonly RougeAggregateCase[];
};
export const PORTER = porterJson as unknown as {
  readonly vocabulary_size: number;
  readonly nltk_differs: number;
  readonly rows: readonly (readonly [string, string, string])[];
};

/** Score → [precision, recall, fmeasure], the fixtures' layout. */
export function triple(score: { readonly precision: number; readonly recall: number; readonly fmeasure: number }): Triple {
  return [score.precision, score.recall, score.fmeasure];
}
