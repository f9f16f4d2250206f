// Public surface of @webpeft/analysis (runs anywhere; `@webpeft/analysis/node` adds adapter loading).
export { AnalysisError, LinalgError, MatrixShapeError } from './errors.ts';
export {
  type Matrix,
  type MatrixLike,
  shapeOf,
  zeros,
  identity,
  transpose,
  matmul,
  matmulT,
  matTmul,
  add,
  sub,
  scale,
  trace,
  traceOfProduct,
  frobeniusNorm,
  maxAbsDiff,
} from './matrix.ts';
export { cholesky, choleskySolve, solveSPD, type LUDecomposition, luDecompose, luSolve, solve, inverse, determinant } from './decompose.ts';
export { type SVDResult, type SVDOptions, svd, qr, numericalRank, orthonormalBasis } from './svd.ts';
export { type Rng, createRng, gaussianMatrix, randomStiefel, randomOrthonormalRows, randomCovariance, symmetrize } from './random.ts';
export {
  type SimilarityOptions,
  type LoraFactors,
  type AdapterFactors,
  type LayerSimilarity,
  type PairwiseSimilarity,
  subspaceSimilarity,
  aSimilarity,
  bSimilarity,
  adapterSimilarity,
  pairwiseSimilarity,
} from './similarity.ts';
export { type RegressionProblem, type LossTerms, type AsymmetryTrial, expectedLoss, expectedLossGradients, freezeAOptimum, freezeBOptimum, asymmetryTrial } from './lemmas.ts';
export {
  type Tuned,
  type LayerShape,
  type MethodSpec,
  type ParameterRow,
  type BoundOptions,
  type EqualRankOptions,
  tunedDims,
  adapterParameters,
  parameterCount,
  fullParameterCount,
  parameterTable,
  generalizationBound,
  equalParameterRank,
  equalBoundRank,
} from './bounds.ts';
export { meanStd } from './stats.ts';
export { type PlotOptions, PALETTE, viridis, niceTicks } from './plot/svg.ts';
export { type HeatmapOptions, heatmapSvg } from './plot/heatmap.ts';
export { type BarSeries, type BarChartOptions, barChartSvg } from './plot/bars.ts';
export { type LineSeries, type ReferenceLine, type LineChartOptions, lineChartSvg } from './plot/lines.ts';
export { type Tensor2D, parseLoraKey, toMatrix, adapterFactorsFromTensors, isAdapterFactors } from './peft.ts';
