// Helpers shared by this package's tests (not exported, not published).

/** Whether this V8 ships Relaxed SIMD unflagged: V8 ≥ 11.4 (Chrome 114, Node 22). */
export function v8ShipsRelaxedSimd(version: string = process.versions.v8): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major * 100 + minor >= 1104;
}
