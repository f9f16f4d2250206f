// Public surface of @webpeft/data (runtime-neutral; file access lives in `@webpeft/data/node`).
export { DataError, DataFormatError } from './errors.ts';
export { type TextSource, type NumberedLine, readLines, readText } from './text-source.ts';
export { rotateBilinear, pilRotationMatrix } from './rotate.ts';
export {
  type MnistData, type ImageBatch, type ImageDomain, type DomainDataset, type MnistDomainOptions,
  parseIdx, mnistFromIdx, permutation, bernoulli, splitEnvironments, rotatedMnist, coloredMnist,
  ROTATED_MNIST_ANGLES, COLORED_MNIST_ENVIRONMENTS,
} from './mnist.ts';
export { type GlueTask, type GlueSplit, type GlueExample, type GlueTaskSpec, type GlueReadOptions, GLUE_TASKS, glueFileName, readGlueTsv, loadGlueTsv } from './glue.ts';
export { type MmluQuestion, type MmluPromptOptions, MMLU_CHOICES, parseMmluCsv, formatSubject, formatExample, genPrompt, mmluPrompt, mmluSubjectOf } from './mmlu.ts';
export { type AlpacaExample, ALPACA_PROMPT_INPUT, ALPACA_PROMPT_NO_INPUT, alpacaPrompt, parseAlpacaJson, readAlpacaJson } from './alpaca.ts';
export { type SummarizationDataset, type SummarizationExample, type ParquetSource, SUMMARIZATION_FIELDS, readSummarizationJsonl, readSummarizationParquet } from './summarization.ts';
export { type RgbImage, decodeImage, imageToTensorData, IMAGENET_MEAN, IMAGENET_STD, DOMAINBED_DATASETS, IMAGE_EXTENSIONS } from './images.ts';
export { type TextClassificationExample, type Gloss, emailText, brownSentences, leadSentenceExamples, wordnetGlosses, definitionChoiceQuestions, definitionInstructions } from './standins.ts';
export { type Tokenizer, type TokenizedExample, type ClassificationExample, type SpecialTokenOptions, IGNORE_INDEX, encodeInstruction, encodeCausal, encodeSeq2Seq, encodeClassification } from './tokenize.ts';
export { type PaddingOptions, type TokenBatch, padSequences, shiftTokensRight, shiftLabelsLeft, collateCausal, collateSeq2Seq, collateClassification } from './collate.ts';
export { type LoaderPosition, type SamplerOptions, type IndexBatch, type ExampleSource, BatchSampler, DataLoader } from './loader.ts';
export { type TokenBatchTensors, tokenBatchToTensors, imageBatchToTensors } from './tensors.ts';
