// MMLU accuracy per subject, per subcategory, per category and overall, aggregated as the MMLU
// authors' evaluation does (hendrycks/test evaluate_flan.py): every group's accuracy is the
// fraction of its questions answered correctly (a micro average over questions).
import { checkLabel, describe } from './_validate.ts';
import { MetricError } from './errors.ts';
import { MMLU_CATEGORIES, MMLU_SUBCATEGORY_CATEGORY, MMLU_SUBJECT_SUBCATEGORY, type MmluCategory } from './mmlu-subjects.ts';

/** One scored MMLU question: its subject, the gold answer and the model's answer. */
export interface MmluRecord {
  /** Subject as in the CSV names, e.g. "abstract_algebra"; case, spaces and hyphens are normalised. */
  readonly subject: string;
  /** Gold answer, e.g. "A".."D" or 0..3 (compared with `===` to `pred`). */
  readonly label: number | string;
  readonly pred: number | string;
}

/** Accuracy of a group of questions and how many there were. */
export interface MmluGroupAccuracy {
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
}

/** What {@link mmluAccuracy} returns. */
export interface MmluAccuracy {
  /** All questions together: the authors' "Average accuracy" (weighted by subject size). */
  readonly overall: MmluGroupAccuracy;
  /** Unweighted mean of the subject accuracies (the "macro" average some papers report). */
  readonly subjectAverage: number;
  /** Per subject present in the records, keyed by canonical subject name. */
  readonly bySubject: Readonly<Record<string, MmluGroupAccuracy>>;
  /** Per authors' subcategory present (e.g. "math", "law"). */
  readonly bySubcategory: Readonly<Record<string, MmluGroupAccuracy>>;
  /** Per category; null for a category none of the records belongs to. */
  readonly byCategory: Readonly<Record<MmluCategory, MmluGroupAccuracy | null>>;
}

/** "High School Biology", "high-school-biology" → "high_school_biology". */
export function canonicalMmluSubject(subject: string): string {
  return subject.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * MMLU accuracy of scored questions, by subject, subcategory, category (STEM, humanities,
 * social sciences, other) and overall. Throws a MetricError for no records, an unknown
 * subject, or a label/pred that is not a finite number or string.
 */
export function mmluAccuracy(records: readonly MmluRecord[]): MmluAccuracy {
  if (!Array.isArray(records) || records.length === 0) {
    throw new MetricError('mmluAccuracy', `records must be a non-empty array of { subject, label, pred }, got ${describe(records)}`);
  }
  const tallies = new Map<string, { correct: number; count: number }>();
  for (const [i, record] of records.entries()) {
    const subject = typeof record?.subject === 'string' ? canonicalMmluSubject(record.subject) : undefined;
    if (subject === undefined || !Object.hasOwn(MMLU_SUBJECT_SUBCATEGORY, subject)) {
      throw new MetricError('mmluAccuracy', `records[${i}].subject is ${describe(record?.subject)}, not one of the 57 MMLU subjects (e.g. "abstract_algebra")`);
    }
    checkLabel('mmluAccuracy', `records[${i}].label`, record.label);
    checkLabel('mmluAccuracy', `records[${i}].pred`, record.pred);
    const tally = tallies.get(subject) ?? { correct: 0, count: 0 };
    tally.count++;
    if (record.label === record.pred) tally.correct++;
    tallies.set(subject, tally);
  }
  const bySubject: Record<string, MmluGroupAccuracy> = {};
  const subcategoryTallies = new Map<string, { correct: number; count: number }>();
  const categoryTallies = new Map<MmluCategory, { correct: number; count: number }>();
  let correct = 0;
  let subjectSum = 0;
  for (const subject of [...tallies.keys()].sort()) {
    const tally = tallies.get(subject)!;
    bySubject[subject] = group(tally.correct, tally.count);
    subjectSum += tally.correct / tally.count;
    correct += tally.correct;
    const subcategory = MMLU_SUBJECT_SUBCATEGORY[subject]!;
    add(subcategoryTallies, subcategory, tally);
    add(categoryTallies, MMLU_SUBCATEGORY_CATEGORY[subcategory]!, tally);
  }
  const bySubcategory: Record<string, MmluGroupAccuracy> = {};
  for (const [name, tally] of [...subcategoryTallies].sort(([a], [b]) => (a < b ? -1 : 1))) bySubcategory[name] = group(tally.correct, tally.count);
  const byCategory = {} as Record<MmluCategory, MmluGroupAccuracy | null>;
  for (const category of MMLU_CATEGORIES) {
    const tally = categoryTallies.get(category);
    byCategory[category] = tally ? group(tally.correct, tally.count) : null;
  }
  return { overall: group(correct, records.length), subjectAverage: subjectSum / tallies.size, bySubject, bySubcategory, byCategory };
}

function group(correct: number, count: number): MmluGroupAccuracy {
  return { accuracy: correct / count, correct, count };
}

function add<K>(tallies: Map<K, { correct: number; count: number }>, key: K, tally: { correct: number; count: number }): void {
  const sum = tallies.get(key) ?? { correct: 0, count: 0 };
  sum.correct += tally.correct;
  sum.count += tally.count;
  tallies.set(key, sum);
}
