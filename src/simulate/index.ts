export { generateEvents, summarizeGeneration } from './generate-events.js';
export type { GenerationSummary } from './summarize-generation.js';
export { DEFAULT_SIMULATION_OPTIONS, resolveSimulationOptions, type SimulationOptions } from './simulation-options.js';
export {
  INPUT_TOPIC_ROLES,
  INVALID_FLAWS,
  PLANTED_ANOMALY_KINDS,
  type ExpenseTruth,
  type InputTopicRole,
  type InvalidFlaw,
  type PlantedAnomalyKind,
  type SimulatedEventRecord,
  type SimulatedInvalidRecord,
  type SimulatedRecord,
  type TransactionTruth,
} from './simulated-record.js';
export { SeededRandom } from './seeded-random.js';
