import { describe, expect, it } from 'vitest';
import { MetricError } from './errors.ts';
import { MMLU_CATEGORIES, MMLU_SUBCATEGORY_CATEGORY, MMLU_SUBJECT_SUBCATEGORY } from './mmlu-subjects.ts';
import { type MmluRecord, canonicalMmluSubject, mmluAccuracy } from './mmlu.ts';

describe("MMLU subject table (hendrycks/test categories.py)", () => {
  it('has 57 subjects in 17 subcategories and 4 categories', () => {
    expect(Object.keys(MMLU_SUBJECT_SUBCATEGORY)).toHaveLength(57);
    expect(new Set(Object.values(MMLU_SUBJECT_SUBCATEGORY)).size).toBe(17);
    expect(Object.keys(MMLU_SUBCATEGORY_CATEGORY).sort()).toEqual([...new Set(Object.values(MMLU_SUBJECT_SUBCATEGORY))].sort());
  });

  it('puts 18 subjects in STEM, 13 in humanities, 12 in social sciences and 14 in other', () => {
    const sizes = Object.fromEntries(MMLU_CATEGORIES.map((c) => [c, 0]));
    for (const sub of Object.values(MMLU_SUBJECT_SUBCATEGORY)) sizes[MMLU_SUBCATEGORY_CATEGORY[sub]!]!++;
    expect(sizes).toEqual({ STEM: 18, humanities: 13, 'social sciences': 12, other: 14 });
  });
});

describe('mmluAccuracy', () => {
  const records: MmluRecord[] = [
    // abstract_algebra (math, STEM): 2/4
    { subject: 'abstract_algebra', label: 'A', pred: 'A' },
    { subject: 'abstract_algebra', label: 'B', pred: 'B' },
    { subject: 'abstract_algebra', label: 'C', pred: 'A' },
    { subject: 'abstract_algebra', label: 'D', pred: 'A' },
    // college_physics (physics, STEM): 1/1
    { subject: 'College Physics', label: 2, pred: 2 },
    // professional_law (law, humanities): 0/2
    { subject: 'professional_law', label: 0, pred: 1 },
    { subject: 'professional-law', label: 3, pred: 1 },
    // marketing (business, other): 3/3
    { subject: 'marketing', label: 1, pred: 1 },
    { subject: 'marketing', label: 0, pred: 0 },
    { subject: 'marketing', label: 3, pred: 3 },
  ];

  it('aggregates per subject, subcategory and category as micro averages, like the authors', () => {
    const result = mmluAccuracy(records);
    expect(result.bySubject).toEqual({
      abstract_algebra: { accuracy: 0.5, correct: 2, count: 4 },
      college_physics: { accuracy: 1, correct: 1, count: 1 },
      marketing: { accuracy: 1, correct: 3, count: 3 },
      professional_law: { accuracy: 0, correct: 0, count: 2 },
    });
    expect(result.bySubcategory).toEqual({
      business: { accuracy: 1, correct: 3, count: 3 },
      law: { accuracy: 0, correct: 0, count: 2 },
      math: { accuracy: 0.5, correct: 2, count: 4 },
      physics: { accuracy: 1, correct: 1, count: 1 },
    });
    expect(result.byCategory).toEqual({
      STEM: { accuracy: 0.6, correct: 3, count: 5 },
      humanities: { accuracy: 0, correct: 0, count: 2 },
      'social sciences': null,
      other: { accuracy: 1, correct: 3, count: 3 },
    });
    expect(result.overall).toEqual({ accuracy: 0.6, correct: 6, count: 10 });
    expect(result.subjectAverage).toBeCloseTo((0.5 + 1 + 0 + 1) / 4, 15);
  });

  it('normalises subject spelling', () => {
    expect(canonicalMmluSubject(' High School US-History ')).toBe('high_school_us_history');
  });

  it('rejects empty input, unknown subjects and bad labels with MetricErrors', () => {
    expect(() => mmluAccuracy([])).toThrow(MetricError);
    expect(() => mmluAccuracy([])).toThrow('mmluAccuracy: records must be a non-empty array');
    expect(() => mmluAccuracy([{ subject: 'astrology', label: 'A', pred: 'A' }])).toThrow(
      'mmluAccuracy: records[0].subject is "astrology", not one of the 57 MMLU subjects',
    );
    expect(() => mmluAccuracy([{ subject: 'virology', label: Number.NaN, pred: 0 }])).toThrow('mmluAccuracy: records[0].label is NaN; expected a class label (finite number or string)');
  });
});
