// Adapter roles of LLaMA (module names of LlamaForCausalLM).
import type { RoleMap } from '../family.ts';

const LAYER = String.raw`^model\.layers\.\d+\.`;

export const LLAMA_ROLES: RoleMap = {
  q: [`${LAYER}self_attn\\.q_proj$`],
  k: [`${LAYER}self_attn\\.k_proj$`],
  v: [`${LAYER}self_attn\\.v_proj$`],
  o: [`${LAYER}self_attn\\.o_proj$`],
  gate: [`${LAYER}mlp\\.gate_proj$`],
  up: [`${LAYER}mlp\\.up_proj$`],
  down: [`${LAYER}mlp\\.down_proj$`],
};
