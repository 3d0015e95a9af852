import { trainAnomalyDetector } from './trainers/anomaly-trainer.js';
import { trainCategorizer } from './trainers/categorizer-trainer.js';
import { trainForecaster } from './trainers/forecaster-trainer.js';
import type { TrainingOutcome, TrainingTask } from './training-task.js';

/** The trainer factory: one function per model kind, all pure and synchronous (they run inside a worker thread). */
export function runTrainingTask(task: TrainingTask): TrainingOutcome {
  switch (task.kind) {
    case 'categorizer':
      return trainCategorizer(task);
    case 'forecaster':
      return trainForecaster(task);
    case 'anomaly':
      return trainAnomalyDetector(task);
  }
}
