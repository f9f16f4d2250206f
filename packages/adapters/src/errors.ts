// Errors of the adapters package: each names the adapter, the option, key or module path, what was
// expected and what came, so the message alone tells a user what to change.
import { WebpeftError } from '@webpeft/tensor';

/** Bad adapter options: unknown method or init, r ≤ 0, conflicting settings. Raised before any weight is touched. */
export class AdapterConfigError extends WebpeftError {}

/** A target pattern or role matched no module of the model; `closest` lists the nearest module names. */
export class TargetNotFoundError extends WebpeftError {
  constructor(
    /** The pattern, name or role that matched nothing. */
    readonly pattern: string,
    /** Module paths nearest to it (edit distance), best first. */
    readonly closest: readonly string[],
    detail = '',
  ) {
    super(`target '${pattern}' matches no module of the model${detail}; the closest module names are: ${closest.join(', ') || '(the model has no modules)'}`);
  }
}

/** Misuse of an injected model: unknown adapter name, merging twice, switching while merged, … */
export class AdapterStateError extends WebpeftError {}

/** A saved adapter that does not fit: missing or unexpected keys, wrong shapes, another base model. Nothing was changed. */
export class AdapterLoadError extends WebpeftError {
  constructor(
    message: string,
    /** The first offending checkpoint key, when there is one. */
    readonly key?: string,
    /** The file or folder being loaded, when known. */
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }
}
