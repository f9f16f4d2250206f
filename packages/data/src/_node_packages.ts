// Locating the optional corpus packages (peer dependencies) on disk, with an actionable error.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DataError } from './errors.ts';

const require = createRequire(import.meta.url);

/** Directory of an installed npm package, or a DataError saying which package to install. */
export function packageDir(name: string, purpose: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    try {
      // Some corpus packages do not export package.json; resolve their main file instead.
      return dirname(require.resolve(name));
    } catch {
      throw new DataError(`${purpose} needs the npm package '${name}' (an optional peer dependency of @webpeft/data): run \`npm install ${name}\``);
    }
  }
}
