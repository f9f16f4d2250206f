// The whole op suite in one call for runners outside vitest (a browser page, a Deno script):
// every fixture case and the dropout masks, collecting failures instead of stopping at the first.
import type { Backend } from '../backend.ts';
import { type OpFixtureFile, checkOpCase } from './conformance.ts';
import { checkDropoutMasks } from './dropout.ts';

export interface OpSuiteResult {
  readonly passed: number;
  /** `case name: message` for each failure. */
  readonly failed: string[];
}

/** Run every case of `file` (in `float`) and the dropout-mask check on `backend`. */
export async function runOpSuite(file: OpFixtureFile, backend: Backend, float: 'f32' | 'f64' = 'f32'): Promise<OpSuiteResult> {
  let passed = 0;
  const failed: string[] = [];
  const check = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
      passed++;
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
    }
  };
  for (const c of file.cases) await check(c.name, () => checkOpCase(c, { backend, float }));
  await check('dropoutMask', () => checkDropoutMasks(backend, float));
  return { passed, failed };
}
