// Files of the app found from wherever the code runs: src/*.ts under vitest/tsx, or the bundle in dist/bin/.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app folder (apps/asymmetry-lab): the nearest ancestor holding checkpoints/. */
export function appDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'checkpoints')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** The committed pretrained ViT. */
export function defaultCheckpoint(): string {
  return join(appDir(), 'checkpoints', 'vit-mnist0');
}
