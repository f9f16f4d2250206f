// Adapter roles of BART (module names of BartForConditionalGeneration): encoder and decoder
// self-attention and the decoder's cross-attention are all q/k/v/o.
import type { RoleMap } from '../family.ts';

const LAYER = String.raw`^model\.(encoder|decoder)\.layers\.\d+\.`;
const ATTN = `${LAYER}(self_attn|encoder_attn)\\.`;

export const BART_ROLES: RoleMap = {
  q: [`${ATTN}q_proj$`],
  k: [`${ATTN}k_proj$`],
  v: [`${ATTN}v_proj$`],
  o: [`${ATTN}out_proj$`],
  fc1: [`${LAYER}fc1$`],
  fc2: [`${LAYER}fc2$`],
};
