// Internals the tests reach (excluded from publishing by the `_test-*` pattern).
export { canonicalJson as canonicalJsonForTest, configHash, crc32 } from './hash.ts';
export { CheckpointError } from './errors.ts';
export { parseTrainerState } from './state.ts';
