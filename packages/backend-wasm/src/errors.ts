import { WebpeftError } from '@webpeft/tensor';

/** A request that wasm32 linear memory (4 GiB) or the engine cannot hold; names the bytes asked for. */
export class WasmMemoryError extends WebpeftError {
  constructor(
    message: string,
    readonly requestedBytes: number,
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

/** A worker thread failed or stopped answering: the op that needed it fails instead of hanging. */
export class WasmWorkerError extends WebpeftError {}

/** The WebAssembly module could not be loaded or instantiated. */
export class WasmLoadError extends WebpeftError {}
