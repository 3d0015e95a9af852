import { loadavg } from 'node:os';

import { processCpuSeconds } from './process-cpu.js';

/** CPU seconds per process over one interval; null where a process was not measured. */
export interface CpuFigures {
  /** The process doing the pipeline's work: the bench itself for (a)/(b), the relearn child for (c). */
  client: number;
  kafka: number | null;
  mongo: number | null;
}

export interface CpuMark {
  at: number;
  client: number;
  kafka: number | null;
  mongo: number | null;
  load1: number;
}

/**
 * Reads the CPU of the pipeline's process and of the Kafka and MongoDB server processes
 * at the start and at the end of an interval (/proc/<pid>/stat utime + stime).
 */
export class CpuMeter {
  constructor(private readonly servers: { kafka: number; mongo: number } | null) {}

  mark(clientPid: number): CpuMark {
    return {
      at: performance.now(),
      client: processCpuSeconds(clientPid),
      kafka: this.servers === null ? null : processCpuSeconds(this.servers.kafka),
      mongo: this.servers === null ? null : processCpuSeconds(this.servers.mongo),
      load1: loadavg()[0] ?? 0,
    };
  }

  static between(start: CpuMark, end: CpuMark): CpuFigures {
    const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
    return { client: end.client - start.client, kafka: delta(start.kafka, end.kafka), mongo: delta(start.mongo, end.mongo) };
  }
}
