// Typed errors of @webpeft/optim: each says what was expected, what came, and where.
import { WebpeftError } from '@webpeft/tensor';

/** Bad hyperparameters, parameters or parameter groups (caught when the optimizer is built or stepped). */
export class OptimizerError extends WebpeftError {}

/** A state dict that does not fit the optimizer it is loaded into. */
export class StateDictError extends WebpeftError {}
