/**
 * Customer lifetime value: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma — summaries, maximum
 * likelihood fits, predictions, validation and plot data. See docs/clv.md.
 */

export { benchClv, type ClvBenchOptions, type ClvBenchResult } from './bench.ts';
export {
  bgnbdConditionalExpected,
  bgnbdExpected,
  bgnbdExpectedIfAlive,
  bgnbdLogLik,
  bgnbdPAlive,
} from './bgnbd.ts';
export {
  ClvInputError,
  type CompressedSummary,
  compressTriples,
  type PreparedPurchases,
  type PreparedSpend,
  preparePurchases,
  prepareSpend,
  type TimeUnit,
} from './data.ts';
export {
  CLV_MODELS,
  type ClvModelName,
  type Convergence,
  type FitOptions,
  type FitResult,
  fitGammaGamma,
  fitPurchaseModel,
  MODEL_LABELS,
  PARAM_NAMES,
  PURCHASE_MODELS,
  type PurchaseModelName,
  paramVector,
} from './fit.ts';
export {
  frequencyMonetaryCorrelation,
  gammaGammaConditionalExpected,
  gammaGammaLogLik,
  gammaGammaPopulationMean,
} from './gammagamma.ts';
export {
  mbgnbdConditionalExpected,
  mbgnbdExpected,
  mbgnbdExpectedIfAlive,
  mbgnbdLogLik,
  mbgnbdPAlive,
} from './mbgnbd.ts';
export {
  paretonbdConditionalExpected,
  paretonbdExpected,
  paretonbdExpectedIfAlive,
  paretonbdLogLik,
  paretonbdPAlive,
} from './paretonbd.ts';
export {
  type CurvePoint,
  type CustomerPredictions,
  conditionalExpectedPurchases,
  expectedPurchases,
  expectedPurchasesCurve,
  expectedPurchasesIfAlive,
  type FrequencyRecencyMatrix,
  frequencyRecencyMatrix,
  type PredictOptions,
  predictCustomers,
  probabilityAlive,
  UNITS_PER_MONTH,
} from './predict.ts';
export {
  type ClvEnv,
  type ClvPlotData,
  type ClvPlotParams,
  type ClvSource,
  type ClvSummaryData,
  type ClvSummaryParams,
  clvPlotData,
  clvPlotParamsSchema,
  clvSourceSchema,
  clvSummaryParamsSchema,
  type FitClvData,
  type FitClvParams,
  fitClv,
  fitClvParamsSchema,
  type IndependenceCheck,
  type ModelValidation,
  type PredictClvData,
  type PredictClvParams,
  type PredictionRow,
  predictClv,
  predictClvParamsSchema,
  summarizeClv,
  type ValidateClvData,
  type ValidateClvParams,
  validateClv,
  validateClvParamsSchema,
} from './service.ts';
export { simulateBgNbdSummary, simulateTransactionLog } from './simulate.ts';
export {
  CLV_DEFINITIONS,
  type ClvSummary,
  DAYS_PER_UNIT,
  summaryFromDataset,
  summaryFromFile,
  summaryFromTransactions,
  type TransactionLogSpec,
} from './summary.ts';
export {
  type ErrorMetrics,
  errorMetrics,
  type HoldoutGroup,
  holdoutByFrequency,
  predictHoldout,
  type TrackingPoint,
  trackingCurve,
} from './validate.ts';
