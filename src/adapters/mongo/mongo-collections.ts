/** Every collection the MongoDB adapters use, in one place so the index set and the adapters cannot drift apart. */
export const MONGO_COLLECTIONS = {
  events: 'events',
  transactions: 'transactions',
  expenses: 'expenses',
  sheets: 'sheets',
  labels: 'labels',
  deadLetters: 'dead_letters',
  counters: 'counters',
  decisions: 'decisions',
  jobs: 'jobs',
  jobLocks: 'job_locks',
  lineages: 'model_lineages',
  models: 'models',
  /** Lineages that may have a ModelUpdated to publish: what the announcement relay's sweep reads. */
  announcementIntents: 'announcement_intents',
  /** GridFS bucket name: its files and chunks live in `model_artifacts.files` / `.chunks`. */
  artifactFiles: 'model_artifacts',
  sequences: 'sequences',
} as const;
