import type { Admin, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';

import type { BenchOptions } from './bench-options.js';
import type { EndOffsets } from './consumer-lag.js';
import type { CpuMeter } from './cpu-meter.js';
import type { SchemaCache } from './schema-cache.js';

/** What every phase of one run shares: clients, the backlog's topics and what a complete store holds. */
export interface BenchContext {
  runId: string;
  options: BenchOptions;
  kafka: Kafka;
  admin: Admin;
  mongo: MongoClient;
  schemas: SchemaCache;
  meter: CpuMeter;
  /** relearn's input topics under the run's prefix (the ones relearn's ingest group reads). */
  inputTopics: string[];
  /** End offsets of the input topics once the backlog is produced. */
  ends: EndOffsets;
  backlogRecords: number;
  /** The collection the bench's own pipelines store each topic's events in. */
  collectionByTopic: Map<string, string>;
  /** Distinct eventIds per collection: what a complete, deduplicated store holds. */
  expectedByCollection: Map<string, number>;
  /** Where relearn children write their output. */
  logDir: string;
  log(line: string): void;
}
