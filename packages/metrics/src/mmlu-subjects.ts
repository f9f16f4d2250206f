// MMLU's 57 subjects with the authors' subcategory and category (hendrycks/test, categories.py).

/** The four MMLU categories; 'other' is the authors' "other (business, health, misc.)". */
export type MmluCategory = 'STEM' | 'humanities' | 'social sciences' | 'other';

/** The MMLU categories in the authors' order. */
export const MMLU_CATEGORIES: readonly MmluCategory[] = Object.freeze(['STEM', 'humanities', 'social sciences', 'other'] as const);

/** The category of each of the authors' 17 subcategories (categories.py, `categories`). */
export const MMLU_SUBCATEGORY_CATEGORY: Readonly<Record<string, MmluCategory>> = Object.freeze({
  physics: 'STEM', chemistry: 'STEM', biology: 'STEM', 'computer science': 'STEM', math: 'STEM', engineering: 'STEM',
  history: 'humanities', philosophy: 'humanities', law: 'humanities',
  politics: 'social sciences', culture: 'social sciences', economics: 'social sciences', geography: 'social sciences', psychology: 'social sciences',
  other: 'other', business: 'other', health: 'other',
});

/** Subject (the CSV file stem, e.g. "abstract_algebra") → subcategory (categories.py, `subcategories`). */
export const MMLU_SUBJECT_SUBCATEGORY: Readonly<Record<string, string>> = Object.freeze({
  abstract_algebra: 'math',
  anatomy: 'health',
  astronomy: 'physics',
  business_ethics: 'business',
  clinical_knowledge: 'health',
  college_biology: 'biology',
  college_chemistry: 'chemistry',
  college_computer_science: 'computer science',
  college_mathematics: 'math',
  college_medicine: 'health',
  college_physics: 'physics',
  computer_security: 'computer science',
  conceptual_physics: 'physics',
  econometrics: 'economics',
  electrical_engineering: 'engineering',
  elementary_mathematics: 'math',
  formal_logic: 'philosophy',
  global_facts: 'other',
  high_school_biology: 'biology',
  high_school_chemistry: 'chemistry',
  high_school_computer_science: 'computer science',
  high_school_european_history: 'history',
  high_school_geography: 'geography',
  high_school_government_and_politics: 'politics',
  high_school_macroeconomics: 'economics',
  high_school_mathematics: 'math',
  high_school_microeconomics: 'economics',
  high_school_physics: 'physics',
  high_school_psychology: 'psychology',
  high_school_statistics: 'math',
  high_school_us_history: 'history',
  high_school_world_history: 'history',
  human_aging: 'health',
  human_sexuality: 'culture',
  international_law: 'law',
  jurisprudence: 'law',
  logical_fallacies: 'philosophy',
  machine_learning: 'computer science',
  management: 'business',
  marketing: 'business',
  medical_genetics: 'health',
  miscellaneous: 'other',
  moral_disputes: 'philosophy',
  moral_scenarios: 'philosophy',
  nutrition: 'health',
  philosophy: 'philosophy',
  prehistory: 'history',
  professional_accounting: 'other',
  professional_law: 'law',
  professional_medicine: 'health',
  professional_psychology: 'psychology',
  public_relations: 'politics',
  security_studies: 'politics',
  sociology: 'culture',
  us_foreign_policy: 'politics',
  virology: 'health',
  world_religions: 'philosophy',
});
