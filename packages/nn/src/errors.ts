// Errors of the module tree: each names the key or path and what was expected there.
import { WebpeftError, fmtShape } from '@webpeft/tensor';

/** A state-dict entry whose shape differs from the parameter it would load into. */
export interface MismatchedKey {
  readonly key: string;
  /** Shape of the module's parameter. */
  readonly expected: readonly number[];
  /** Shape found in the state dict. */
  readonly got: readonly number[];
}

const LISTED = 20;

function listKeys(what: string, keys: readonly string[]): string {
  const shown = keys.slice(0, LISTED).join(', ');
  return `${what} (${keys.length}): ${shown}${keys.length > LISTED ? `, … and ${keys.length - LISTED} more` : ''}`;
}

/**
 * `loadStateDict` found keys the module lacks, keys it needs but did not get, or
 * values of the wrong shape. Nothing was loaded.
 */
export class StateDictError extends WebpeftError {
  constructor(
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly mismatched: readonly MismatchedKey[],
    where = 'loadStateDict',
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(listKeys('missing keys', missing));
    if (unexpected.length) parts.push(listKeys('unexpected keys', unexpected));
    if (mismatched.length) {
      const shown = mismatched.slice(0, LISTED).map((m) => `${m.key}: expected ${fmtShape(m.expected)}, got ${fmtShape(m.got)}`);
      parts.push(`mis-shaped keys (${mismatched.length}): ${shown.join('; ')}${mismatched.length > LISTED ? `; … and ${mismatched.length - LISTED} more` : ''}`);
    }
    super(`${where}: the state dict does not fit the module, nothing was loaded.\n  ${parts.join('\n  ')}`);
  }
}

/** A dotted module path that does not lead to a module (`getSubmodule`, `setSubmodule`). */
export class ModulePathError extends WebpeftError {}
