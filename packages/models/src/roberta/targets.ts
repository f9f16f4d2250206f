// Adapter roles of RoBERTa (module names of RobertaForSequenceClassification).
import type { RoleMap } from '../family.ts';

const LAYER = String.raw`^roberta\.encoder\.layer\.\d+\.`;

export const ROBERTA_ROLES: RoleMap = {
  q: [`${LAYER}attention\\.self\\.query$`],
  k: [`${LAYER}attention\\.self\\.key$`],
  v: [`${LAYER}attention\\.self\\.value$`],
  o: [`${LAYER}attention\\.output\\.dense$`],
  fc1: [`${LAYER}intermediate\\.dense$`],
  fc2: [`${LAYER}output\\.dense$`],
};
