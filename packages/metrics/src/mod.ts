// Public surface of @webpeft/metrics.
export { MetricError } from './errors.ts';
export { type Label, type BinaryCounts, accuracy, f1, matthewsCorrelation, binaryCounts } from './classification.ts';
export { pearson, spearman, averageRanks } from './correlation.ts';
export { type PorterMode, porterStem } from './porter.ts';
export { type Score, type AggregateScore, type BootstrapOptions, BOOTSTRAP_DEFAULTS, bootstrapAggregate } from './bootstrap.ts';
export {
  type RougeType,
  type DefaultRougeType,
  type RougeScoreOptions,
  type RougeOptions,
  type RougeResult,
  DEFAULT_ROUGE_TYPES,
  rouge,
  rougeScore,
  rougeTokens,
  fmeasure,
} from './rouge.ts';
export { type GlueTask, type GlueResults, GLUE_TASKS, glueMetric } from './glue.ts';
export { type MmluCategory, MMLU_CATEGORIES, MMLU_SUBCATEGORY_CATEGORY, MMLU_SUBJECT_SUBCATEGORY } from './mmlu-subjects.ts';
export { type MmluRecord, type MmluGroupAccuracy, type MmluAccuracy, canonicalMmluSubject, mmluAccuracy } from './mmlu.ts';
