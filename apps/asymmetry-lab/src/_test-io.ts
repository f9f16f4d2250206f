// Captured stdout/stderr for calling main() in tests.
import type { MainIO } from './main.ts';

export function captureIO(cwd: string): MainIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
    out: () => out,
    err: () => err,
  };
}
