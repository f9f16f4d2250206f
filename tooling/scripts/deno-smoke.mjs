#!/usr/bin/env node
// Runs tooling/scripts/deno-smoke.ts under Deno (the `deno` npm package ships the runtime),
// offline: `--no-remote --cached-only` forbid downloads, the root deno.json workspace maps
// @webpeft/* to the package sources, and DENO_DIR stays inside the repo's ignored cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// `node deno-smoke.mjs [script.ts] [args...]`: the smoke test by default, or another script here
const [first, ...rest] = process.argv.slice(2);
const named = first?.endsWith('.ts') ? first : undefined;
const script = join(root, 'tooling', 'scripts', named ?? 'deno-smoke.ts');
const scriptArgs = named ? rest : process.argv.slice(2);

/** The deno binary the npm package installed, or its JS shim (which finds the platform package). */
function denoCommand() {
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'deno.cmd' : 'deno');
  if (existsSync(bin)) return { cmd: bin, pre: [] };
  const shim = createRequire(join(root, 'package.json')).resolve('deno/bin.cjs');
  return { cmd: process.execPath, pre: [shim] };
}

const denoDir = process.env.DENO_DIR ?? join(root, '.webpeft-cache', 'deno');
mkdirSync(denoDir, { recursive: true });

const { cmd, pre } = denoCommand();
const args = [
  ...pre,
  'run',
  '--check', // type-check the sources with Deno's TypeScript too (what JSR publishing needs)
  '--no-remote',
  '--cached-only',
  '--no-prompt',
  `--config=${join(root, 'deno.json')}`,
  ...(named?.includes('webgpu') ? ['--unstable-webgpu', '--allow-read', '--allow-env'] : []),
  ...(named?.includes('wasm') ? ['--allow-read'] : []), // the backend reads its shipped .wasm
  script,
  ...scriptArgs,
];

const result = spawnSync(cmd, args, {
  cwd: root,
  stdio: 'inherit',
  env: { XDG_RUNTIME_DIR: '/tmp', ...process.env, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', ...(process.stdout.isTTY ? {} : { NO_COLOR: '1' }) },
});
if (result.error) {
  console.error(`deno-smoke: could not start deno (${cmd}): ${result.error.message}. Run \`npm ci\` first.`);
  process.exit(1);
}
process.exit(result.status ?? 1);
