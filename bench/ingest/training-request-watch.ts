import type { Consumer, Kafka } from 'kafkajs';

import type { SchemaCache } from './schema-cache.js';

/** The first TrainingRequested seen for one watched scope. */
export interface SeenRequest {
  /** Date.now() when the bench's consumer received it. */
  seenAt: number;
  /** The decision's own time (relearn's clock). */
  requestedAt: number;
  reason: string;
}

/**
 * Reads the training-requests topic (decoded through the registry) and keeps, per watched
 * scope, the first TrainingRequested of one model kind.
 */
export class TrainingRequestWatch {
  readonly seen = new Map<string, SeenRequest>();
  private consumer: Consumer | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly scopes: ReadonlySet<string>,
    private readonly modelKind: string,
    private readonly schemas: SchemaCache,
  ) {}

  /** Joins a fresh group on `topic` from the beginning; resolves once the group is joined. */
  async start(kafka: Kafka, groupId: string, topic: string, timeoutMs: number): Promise<void> {
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    let timer: NodeJS.Timeout | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, (event) => {
        this.failure = event.payload.error;
        reject(new Error(`training-requests consumer crashed: ${String(event.payload.error)}`));
      });
      timer = setTimeout(() => reject(new Error(`training-requests consumer did not join within ${timeoutMs} ms`)), timeoutMs);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const seenAt = Date.now();
        if (message.value === null) return;
        const request = await this.schemas.decode(message.value);
        const scope = request.scope;
        if (typeof scope !== 'string' || request.modelKind !== this.modelKind || !this.scopes.has(scope) || this.seen.has(scope)) return;
        this.seen.set(scope, { seenAt, requestedAt: Number(request.requestedAt), reason: String(request.reason) });
      },
    });
    try {
      await joined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when every watched scope has been seen, or after `timeoutMs`; fails if the consumer crashed. */
  async allSeen(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.seen.size < this.scopes.size && performance.now() < deadline) {
      if (this.failure !== undefined) throw new Error(`training-requests consumer crashed: ${this.failure.message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.seen.size === this.scopes.size;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
