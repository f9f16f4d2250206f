// Typed errors of @webpeft/analysis: each says what was expected, what came, and where.
import { WebpeftError } from '@webpeft/tensor';

/** A matrix that is ragged, empty, non-finite or of the wrong shape for the operation. */
export class MatrixShapeError extends WebpeftError {}

/** A matrix that a decomposition cannot handle (singular, not positive definite), or an SVD that did not converge. */
export class LinalgError extends WebpeftError {}

/** Bad arguments to an analysis function (ranks, layer lists, adapters that do not match). */
export class AnalysisError extends WebpeftError {}
