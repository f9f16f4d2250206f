// Adapter roles of ViT (module names of ViTForImageClassification).
import type { RoleMap } from '../family.ts';

const LAYER = String.raw`^vit\.encoder\.layer\.\d+\.`;

export const VIT_ROLES: RoleMap = {
  q: [`${LAYER}attention\\.attention\\.query$`],
  k: [`${LAYER}attention\\.attention\\.key$`],
  v: [`${LAYER}attention\\.attention\\.value$`],
  o: [`${LAYER}attention\\.output\\.dense$`],
  fc1: [`${LAYER}intermediate\\.dense$`],
  fc2: [`${LAYER}output\\.dense$`],
};
