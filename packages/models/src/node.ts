// Node entry (`@webpeft/models/node`): load and save Hugging Face model directories on disk.
// Nothing is downloaded: every file comes from the local directory, and a missing one is an
// error that names it.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModuleOptions } from '@webpeft/nn';
import { SHARD_INDEX_NAME, type TensorInput, openSafetensorsFile, openShardedSafetensors, saveSafetensors } from '@webpeft/safetensors/node';
import { type LoadReport, type SaveDType, loadCheckpoint, modelTensors, tensorForSave } from './checkpoint.ts';
import { ConfigError, MissingFileError } from './errors.ts';
import { type AnyModel, modelFromConfig } from './registry.ts';
import { type TextTokenizer, checkTokenizerFits, tokenizerFromJson } from './tokenizer.ts';
import { type ImageProcessorConfig, imageProcessorConfigJson, parseImageProcessorConfig } from './vit/preprocess.ts';

export * from './mod.ts';

export interface FromPretrainedOptions extends ModuleOptions {
  /** Load tokenizer.json (text models; default true: a missing file is an error). */
  readonly tokenizer?: boolean;
  /** Load preprocessor_config.json (ViT; default true: a missing file is an error). */
  readonly imageProcessor?: boolean;
  /** Where the summary line goes (default console.log; null for silence). */
  readonly log?: ((line: string) => void) | null;
}

export interface Pretrained<M extends AnyModel = AnyModel> {
  readonly model: M;
  readonly tokenizer: TextTokenizer | null;
  readonly imageProcessor: ImageProcessorConfig | null;
  readonly report: LoadReport & { readonly weightsFile: string; readonly bytesOnDisk: number };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function readJson(path: string, what: string): Promise<unknown> {
  if (!(await exists(path))) throw new MissingFileError(path, what);
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ConfigError(`not valid JSON: ${(cause as Error).message}`, path);
  }
}

/** Human-readable byte and parameter counts. */
export function formatCount(n: number, unit = ''): string {
  const steps: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of steps) if (n >= size) return `${(n / size).toFixed(n >= 10 * size ? 1 : 2)}${suffix}${unit}`;
  return `${n}${unit ? ` ${unit}` : ''}`;
}

/**
 * Load a model directory: config.json, model.safetensors (or model.safetensors.index.json and
 * its shards), tokenizer.json / preprocessor_config.json. Weights stream in one tensor at a
 * time and f16/bf16 are upcast to f32 (or f64 with `dtype: 'f64'`).
 */
export async function fromPretrained(dir: string, opts: FromPretrainedOptions = {}): Promise<Pretrained> {
  const configPath = join(dir, 'config.json');
  const config = await readJson(configPath, 'the model configuration (config.json) is required');
  const { tokenizer: wantTokenizer = true, imageProcessor: wantProcessor = true, log = console.log, ...moduleOpts } = opts;
  const model = modelFromConfig(config, moduleOpts, configPath);
  const single = join(dir, 'model.safetensors');
  const index = join(dir, SHARD_INDEX_NAME);
  let weightsFile: string;
  let bytesOnDisk = 0;
  let report: LoadReport;
  if (await exists(single)) {
    weightsFile = single;
    bytesOnDisk = (await stat(single)).size;
    const file = await openSafetensorsFile(single);
    try {
      report = await loadCheckpoint(model, file, single);
    } finally {
      await file.close();
    }
  } else if (await exists(index)) {
    weightsFile = index;
    const sharded = await openShardedSafetensors(index);
    try {
      for (const shard of sharded.shardFiles()) bytesOnDisk += (await stat(join(dir, shard))).size;
      report = await loadCheckpoint(model, { names: () => sharded.names(), info: (n) => sharded.info(n), readAsF32: (n) => sharded.readAsF32(n) }, index);
    } finally {
      await sharded.close();
    }
  } else {
    const hint = (await exists(join(dir, 'pytorch_model.bin'))) ? ' (pytorch_model.bin was found, but only safetensors checkpoints are read; convert it with safetensors.torch.save_file)' : '';
    throw new MissingFileError(single, `the weights: model.safetensors or a sharded ${SHARD_INDEX_NAME}${hint}`);
  }
  let tokenizer: TextTokenizer | null = null;
  let imageProcessor: ImageProcessorConfig | null = null;
  if (model.modelType === 'vit') {
    if (wantProcessor) {
      const p = join(dir, 'preprocessor_config.json');
      imageProcessor = parseImageProcessorConfig(await readJson(p, 'the image preprocessing settings (pass imageProcessor: false to skip)'), p);
    }
  } else if (wantTokenizer) {
    const tp = join(dir, 'tokenizer.json');
    const json = await readJson(tp, 'the tokenizer (pass tokenizer: false to skip it)');
    const cfgPath = join(dir, 'tokenizer_config.json');
    const cfg = (await exists(cfgPath)) ? await readJson(cfgPath, 'tokenizer settings') : {};
    tokenizer = tokenizerFromJson(json, cfg);
    checkTokenizerFits(tokenizer, model.config.vocabSize, tp);
  }
  if (log) {
    const dtypes = Object.entries(report.dtypes).map(([d, n]) => `${formatCount(n)} ${d}`).join(', ');
    const extra = [report.newlyInitialised.length ? `newly initialised: ${report.newlyInitialised.join(', ')}` : '', report.unexpected.length ? `ignored ${report.unexpected.length} unexpected keys` : ''].filter(Boolean).join('; ');
    log(`[models] ${model.modelType} from ${dir}: ${formatCount(model.numParameters())} parameters, ${report.loaded} tensors (${dtypes}) from ${formatCount(bytesOnDisk, 'B')} on disk${extra ? `; ${extra}` : ''}`);
  }
  return { model, tokenizer, imageProcessor, report: { ...report, weightsFile, bytesOnDisk } };
}

export interface SavePretrainedOptions {
  /** Storage dtype (default f32). */
  readonly dtype?: SaveDType;
  /** Split into shards of at most this many bytes (plus an index), as transformers does; default: one file. */
  readonly maxShardBytes?: number;
  readonly tokenizer?: TextTokenizer | null;
  readonly imageProcessor?: ImageProcessorConfig | null;
}

/** Write config.json, model.safetensors (or shards + index) and tokenizer / preprocessor files. */
export async function savePretrained(model: AnyModel, dir: string, opts: SavePretrainedOptions = {}): Promise<void> {
  const dtype = opts.dtype ?? 'f32';
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(model.configJson(), null, 2)}\n`);
  const tensors = [...modelTensors(model)];
  const bytesPer = dtype === 'f32' ? 4 : 2;
  const limit = opts.maxShardBytes ?? Number.POSITIVE_INFINITY;
  const shards: [string, import('@webpeft/tensor').Tensor][][] = [[]];
  let size = 0;
  for (const entry of tensors) {
    const bytes = entry[1].size * bytesPer;
    if (size > 0 && size + bytes > limit) {
      shards.push([]);
      size = 0;
    }
    shards.at(-1)!.push(entry);
    size += bytes;
  }
  const metadata = { format: 'pt' };
  if (shards.length === 1) {
    await saveSafetensors(join(dir, 'model.safetensors'), await collect(shards[0]!, dtype), metadata);
  } else {
    const weightMap: Record<string, string> = {};
    let total = 0;
    for (const [i, shard] of shards.entries()) {
      const name = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
      for (const [key, t] of shard) {
        weightMap[key] = name;
        total += t.size * bytesPer;
      }
      await saveSafetensors(join(dir, name), await collect(shard, dtype), metadata); // one shard in host memory at a time
    }
    await writeFile(join(dir, SHARD_INDEX_NAME), `${JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2)}\n`);
  }
  if (opts.tokenizer) {
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(opts.tokenizer.files.tokenizer));
    await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(opts.tokenizer.files.config, null, 2));
  }
  if (opts.imageProcessor) await writeFile(join(dir, 'preprocessor_config.json'), `${JSON.stringify(imageProcessorConfigJson(opts.imageProcessor), null, 2)}\n`);
}

async function collect(entries: readonly [string, import('@webpeft/tensor').Tensor][], dtype: SaveDType): Promise<Map<string, TensorInput>> {
  const out = new Map<string, TensorInput>();
  for (const [key, t] of entries) out.set(key, await tensorForSave(t, dtype));
  return out;
}
