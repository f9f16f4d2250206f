// Node/Deno entry (`@webpeft/adapters/node`): adapter folders on disk, laid out as PEFT's
// save_pretrained writes them (adapter_config.json + adapter_model.safetensors; adapters other than
// "default" in a subfolder named after them).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Module } from '@webpeft/nn';
import type { AdapterModel } from './adapter-model.ts';
import { AdapterLoadError } from './errors.ts';
import { ADAPTER_CONFIG_NAME, ADAPTER_WEIGHTS_NAME, type LoadAdapterOptions, type SaveAdapterOptions, deserializeAdapter, serializeAdapter } from './peft-io.ts';

export * from './mod.ts';

/** The folder PEFT uses for an adapter: `dir` for "default", `dir/<name>` otherwise. */
export function adapterFolder(dir: string, adapterName: string): string {
  return adapterName === 'default' ? dir : join(dir, adapterName);
}

/** Write one adapter (default: the active one) as PEFT does; returns the folder written. */
export async function saveAdapter(am: AdapterModel, dir: string, opts: SaveAdapterOptions = {}): Promise<string> {
  const name = opts.adapterName ?? am.activeAdapter ?? 'default';
  const out = adapterFolder(dir, name);
  const { configJson, weights } = await serializeAdapter(am, { ...opts, adapterName: name });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, ADAPTER_WEIGHTS_NAME), weights);
  await writeFile(join(out, ADAPTER_CONFIG_NAME), configJson);
  return out;
}

/** Load the adapter stored in `dir` (adapter_config.json + adapter_model.safetensors) into a model. */
export async function loadAdapter<M extends Module>(target: M | AdapterModel<M>, dir: string, opts: LoadAdapterOptions = {}): Promise<AdapterModel<M>> {
  const read = async (file: string): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await readFile(join(dir, file)));
    } catch (e) {
      throw new AdapterLoadError(`cannot read ${file}: ${(e as Error).message}`, undefined, dir);
    }
  };
  const config = new TextDecoder().decode(await read(ADAPTER_CONFIG_NAME));
  const weights = await read(ADAPTER_WEIGHTS_NAME);
  return deserializeAdapter(target, { config, weights }, { source: dir, ...opts });
}
