import { WebpeftError } from '@webpeft/tensor';

/** No WebGPU implementation or no adapter could be found. */
export class NoAdapterError extends WebpeftError {}

/** The device was lost (driver reset, destroy, out of memory at the driver level). */
export class DeviceLostError extends WebpeftError {}

/** An allocation failed or would exceed a device limit; names the limit and the size asked for. */
export class GpuMemoryError extends WebpeftError {
  constructor(
    message: string,
    readonly requestedBytes: number,
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

/** The WebGPU validation layer rejected a command (a bug in a kernel or a limit we did not check). */
export class GpuValidationError extends WebpeftError {}
