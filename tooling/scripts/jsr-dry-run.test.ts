// Every package with a deno.json must pass `deno publish --dry-run` (JSR: no slow types, resolvable imports).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'deno.json')));
const deno = createRequire(join(root, 'package.json')).resolve('deno/bin.cjs');

describe('JSR publish dry run', () => {
  it('finds the packages', () => expect(packages.length).toBeGreaterThanOrEqual(3));
  for (const p of packages) {
    it(`@webpeft/${p}`, () => {
      const run = spawnSync(process.execPath, [deno, 'publish', '--dry-run', '--allow-dirty', '--quiet'], {
        cwd: join(root, 'packages', p),
        encoding: 'utf8',
        timeout: 180_000,
        env: { ...process.env, NO_COLOR: '1', DENO_DIR: process.env['DENO_DIR'] ?? join(root, '.webpeft-cache', 'deno'), DENO_NO_UPDATE_CHECK: '1' },
      });
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status, output).toBe(0);
    });
  }
});
