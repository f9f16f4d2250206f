// Typed errors of @webpeft/data: each says what was expected, what came, and where (file:line).
import { WebpeftError } from '@webpeft/tensor';

/** Bad arguments or a dataset that cannot be built as asked (missing package, empty split). */
export class DataError extends WebpeftError {}

/** A file that does not follow its published format; `file` and `line` (1-based) say where. */
export class DataFormatError extends DataError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, detail: string) {
    super(line === undefined ? `${file}: ${detail}` : `${file}:${line}: ${detail}`);
    this.file = file;
    this.line = line;
  }
}
