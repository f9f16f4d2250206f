// Public surface of @webpeft/safetensors (runtime-neutral; files on disk: '@webpeft/safetensors/node').
export { SafetensorsError, type SafetensorsErrorCode, type SafetensorsErrorWhere } from './errors.ts';
export {
  type SafetensorsDType,
  type NumericDType,
  type PackedDType,
  type DTypeArrayMap,
  type SafetensorsArray,
  SAFETENSORS_DTYPES,
  isSafetensorsDType,
  dtypeFromFile,
  dtypeToFile,
  dtypeBits,
} from './dtype.ts';
export { MAX_HEADER_SIZE, type TensorInfo, type SafetensorsHeader, readHeaderLength, parseHeader, parseSafetensorsHeader } from './format.ts';
export { type TensorInput, type TensorInputs, type MetadataInput, type PreparedSafetensors, prepareSafetensors, serializeSafetensors } from './serialize.ts';
export { type ByteSource, bytesSource, blobSource } from './source.ts';
export { type SafetensorsTensor, type OpenOptions, SafetensorsFile, openSafetensors, loadSafetensors, tensorToF32 } from './file.ts';
export { SHARD_INDEX_NAME, type ShardIndex, type ShardOpener, ShardedSafetensors, parseShardIndex } from './sharded.ts';
