// The families, registered once: config.json's model_type picks one.
import type { ModuleOptions } from '@webpeft/nn';
import { ConfigReader } from './_config.ts';
import { parseBartConfig } from './bart/config.ts';
import { BartForConditionalGeneration } from './bart/model.ts';
import { BART_ROLES } from './bart/targets.ts';
import { UnknownModelTypeError } from './errors.ts';
import type { ModelFamily, RoleMap } from './family.ts';
import { parseLlamaConfig } from './llama/config.ts';
import { LlamaForCausalLM } from './llama/model.ts';
import { LLAMA_ROLES } from './llama/targets.ts';
import { parseRobertaConfig } from './roberta/config.ts';
import { RobertaForSequenceClassification } from './roberta/model.ts';
import { ROBERTA_ROLES } from './roberta/targets.ts';
import { parseViTConfig } from './vit/config.ts';
import { ViTForImageClassification } from './vit/model.ts';
import { VIT_ROLES } from './vit/targets.ts';

/** Any model this package builds; narrow on `modelType`. */
export type AnyModel = ViTForImageClassification | RobertaForSequenceClassification | BartForConditionalGeneration | LlamaForCausalLM;

export type ModelType = AnyModel['modelType'];

export const vitFamily: ModelFamily<ReturnType<typeof parseViTConfig>, ViTForImageClassification> = {
  modelType: 'vit',
  roles: VIT_ROLES,
  parseConfig: parseViTConfig,
  create: (c, o) => new ViTForImageClassification(c, o),
};
export const robertaFamily: ModelFamily<ReturnType<typeof parseRobertaConfig>, RobertaForSequenceClassification> = {
  modelType: 'roberta',
  roles: ROBERTA_ROLES,
  parseConfig: parseRobertaConfig,
  create: (c, o) => new RobertaForSequenceClassification(c, o),
};
export const bartFamily: ModelFamily<ReturnType<typeof parseBartConfig>, BartForConditionalGeneration> = {
  modelType: 'bart',
  roles: BART_ROLES,
  parseConfig: parseBartConfig,
  create: (c, o) => new BartForConditionalGeneration(c, o),
};
export const llamaFamily: ModelFamily<ReturnType<typeof parseLlamaConfig>, LlamaForCausalLM> = {
  modelType: 'llama',
  roles: LLAMA_ROLES,
  parseConfig: parseLlamaConfig,
  create: (c, o) => new LlamaForCausalLM(c, o),
};

const BUILDERS: Readonly<Record<ModelType, (json: unknown, file: string, opts: ModuleOptions) => AnyModel>> = {
  vit: (j, f, o) => vitFamily.create(vitFamily.parseConfig(j, f), o),
  roberta: (j, f, o) => robertaFamily.create(robertaFamily.parseConfig(j, f), o),
  bart: (j, f, o) => bartFamily.create(bartFamily.parseConfig(j, f), o),
  llama: (j, f, o) => llamaFamily.create(llamaFamily.parseConfig(j, f), o),
};

/** Supported `model_type` values. */
export const MODEL_TYPES: readonly ModelType[] = Object.keys(BUILDERS) as ModelType[];

/** Adapter roles (q/k/v/o/fc1/fc2/gate/up/down → module name patterns) by model type. */
export const ROLE_MAPS: Readonly<Record<ModelType, RoleMap>> = { vit: VIT_ROLES, roberta: ROBERTA_ROLES, bart: BART_ROLES, llama: LLAMA_ROLES };

/** The model a parsed config.json describes, with freshly initialised weights. */
export function modelFromConfig(json: unknown, opts: ModuleOptions = {}, file = 'config.json'): AnyModel {
  const r = ConfigReader.of(json, file);
  const type = r.json['model_type'];
  if (typeof type !== 'string' || !Object.hasOwn(BUILDERS, type)) throw new UnknownModelTypeError(type, MODEL_TYPES, file);
  return BUILDERS[type as ModelType](json, file, opts);
}
