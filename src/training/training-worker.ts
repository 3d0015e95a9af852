/**
 * Worker-thread entry: trains one task at a time off the main event loop, so consumer
 * heartbeats and the API stay responsive while a forest grows.
 */
import { parentPort } from 'node:worker_threads';
import { runTrainingTask } from './run-training-task.js';
import type { TrainingTask } from './training-task.js';

interface Request {
  id: number;
  task: TrainingTask;
}

parentPort?.on('message', (request: Request) => {
  try {
    const outcome = runTrainingTask(request.task);
    parentPort?.postMessage({ id: request.id, outcome }, [outcome.artifact.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});
