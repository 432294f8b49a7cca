import { IndexedInteractions } from './data/interactions';
import { evaluateRanking, RankingMetrics } from './evaluation/evaluate';
import { popularityScorer } from './evaluation/popularity';
import { randomSplit, Split, timeSplit, userItems } from './evaluation/splits';
import { AlsOptions, DEFAULT_ALS, factorScorer, Factors, ImplicitAls } from './model/als';

export interface TrainOptions extends AlsOptions {
  split: 'random' | 'time';
  epochs: number;
  patience: number;
}

export const DEFAULT_TRAIN: TrainOptions = { ...DEFAULT_ALS, split: 'random', epochs: 15, patience: 3 };

export interface EpochRecord {
  epoch: number;
  seconds: number;
  'validation_recall@20': number;
}

export interface TrainResult {
  split: Split;
  /** the best epoch's factors of the split run (the evaluated model) */
  factors: Factors;
  bestEpoch: number;
  epochs: EpochRecord[];
  trainingSeconds: number;
  model: RankingMetrics;
  popularity: RankingMetrics;
}

/** Splits, trains iALS with early stopping on validation recall@20, and evaluates the best epoch on test. */
export async function trainAndEvaluate(
  data: IndexedInteractions,
  options: TrainOptions,
  onEpoch: (record: EpochRecord) => void = () => {},
): Promise<TrainResult> {
  const split = options.split === 'time' ? timeSplit(data) : randomSplit(data, options.seed);
  const validationTask = { itemCount: split.itemCount, relevant: split.validation, excluded: split.train.map(m => new Set(m.keys())) };
  const started = performance.now();
  const als = new ImplicitAls(split.train, split.itemCount, options);
  const epochs: EpochRecord[] = [];
  let best = { recall: -1, epoch: 0, factors: als.factors() };
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      als.epoch();
      const factors = als.factors();
      const validation = await evaluateRanking(validationTask, factorScorer(factors, split.itemCount));
      const record = { epoch, seconds: (performance.now() - started) / 1000, 'validation_recall@20': validation['recall@20'] };
      epochs.push(record);
      onEpoch(record);
      if (validation['recall@20'] > best.recall) best = { recall: validation['recall@20'], epoch, factors };
      else if (epoch - best.epoch >= options.patience) break;
    }
  } finally {
    als.dispose();
  }
  const trainingSeconds = (performance.now() - started) / 1000;
  const testTask = { itemCount: split.itemCount, relevant: split.test, excluded: split.knownForTest };
  return {
    split,
    factors: best.factors,
    bestEpoch: best.epoch,
    epochs,
    trainingSeconds,
    model: await evaluateRanking(testTask, factorScorer(best.factors, split.itemCount)),
    popularity: await evaluateRanking(testTask, popularityScorer(split.train, split.itemCount)),
  };
}

export interface FinalModel {
  factors: Factors;
  /** the user-item strengths it was trained on (all of them): its popularity list counts these */
  train: Map<number, number>[];
  epochs: number;
  seconds: number;
}

/**
 * The model that is registered and served: trained on all the data (train + validation + test) for the split
 * run's best epoch count, with the same options, so that it knows every user and every interaction. Its
 * quality is the split run's (docs/recommender-evaluation.md): nothing is held out to measure it.
 */
export function trainOnAll(data: IndexedInteractions, options: TrainOptions, epochs: number): FinalModel {
  const started = performance.now();
  const train = userItems(data);
  const als = new ImplicitAls(train, data.itemIds.length, options);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) als.epoch();
    return { factors: als.factors(), train, epochs, seconds: (performance.now() - started) / 1000 };
  } finally {
    als.dispose();
  }
}
