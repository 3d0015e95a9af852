// The producing apps of a fault test: the seeded synthetic producer's records (with its
// resends: same eventId again), sent at a steady wall-clock rate, with a known set of
// poison records spread through every input topic. Everything the producer did is kept in
// memory as the ground truth the test judges relearn against: each distinct event sent
// and the exact position (topic, partition, offset) of each poison record.
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';

import type { TopicNames } from '../../src/contract/topic-definitions.js';
import { topicDefinitions } from '../../src/contract/topic-definitions.js';
import { avroType } from '../../src/contract/avro-types.js';
import type { ExpenseRecorded, LabelRecorded, SheetSubmitted, TransactionRecorded } from '../../src/domain/events.js';
import type { AvroCodec } from '../../src/ports/avro-codec.js';
import { generateEvents, INPUT_TOPIC_ROLES, SeededRandom, type InputTopicRole, type SimulatedEventRecord } from '../../src/simulate/index.js';

/** How a poison record is broken. Every flaw is sent on every input topic. */
export const POISON_FLAWS = ['bad-magic-byte', 'short-frame', 'unknown-schema-id', 'truncated-avro-body', 'impossible-value'] as const;
export type PoisonFlaw = (typeof POISON_FLAWS)[number];

export interface PoisonPosition {
  role: InputTopicRole;
  flaw: PoisonFlaw;
  topic: string;
  partition: number;
  offset: string;
}

/** What the producer sent: the ground truth. Maps are keyed by eventId (distinct events only). */
export interface LoadTruth {
  transactions: Map<string, TransactionRecorded>;
  expenses: Map<string, ExpenseRecorded>;
  sheets: Map<string, SheetSubmitted>;
  labels: Map<string, LabelRecorded>;
  /** Records written per input topic: valid events, resends and poison. */
  sentByTopic: Record<string, number>;
  /** Second copies of an event already sent (same eventId). */
  resends: number;
  /** Keyed `<topic>/<partition>/<offset>`, as the DLQ's source headers name a record. */
  poison: Map<string, PoisonPosition>;
}

export interface LoadOptions {
  seed: number;
  users: number;
  orgs: number;
  resendRate: number;
  ratePerSecond: number;
  durationMs: number;
  /** Poison records per (input topic, flaw). */
  poisonPerFlaw: number;
}

type PlannedItem = { kind: 'event'; record: SimulatedEventRecord } | { kind: 'poison'; role: InputTopicRole; flaw: PoisonFlaw; template: SimulatedEventRecord; serial: number };

interface EncodedItem {
  topic: string;
  message: Message;
  record: SimulatedEventRecord | null;
  poison: { role: InputTopicRole; flaw: PoisonFlaw } | null;
}

/** A schema id no registry hands out for the few schemas a test registers. */
const UNKNOWN_SCHEMA_ID = 2_000_000_000;

export class FaultLoad {
  readonly truth: LoadTruth;
  private readonly planned: PlannedItem[];
  private encoded: EncodedItem[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: AvroCodec,
    private readonly topics: TopicNames,
    private readonly options: LoadOptions,
  ) {
    this.truth = { transactions: new Map(), expenses: new Map(), sheets: new Map(), labels: new Map(), sentByTopic: {}, resends: 0, poison: new Map() };
    this.planned = plan(options);
  }

  /** Records this load sends, poison included. */
  get size(): number {
    return this.planned.length;
  }

  /** Encodes everything before the clock starts, so the timed run only sends. */
  async prepare(): Promise<void> {
    const random = SeededRandom.fromSeed(this.options.seed).fork('poison-bytes');
    this.encoded = [];
    for (const item of this.planned) {
      if (item.kind === 'event') {
        const topic = this.topics[item.record.role];
        this.encoded.push({ topic, message: { key: item.record.key, value: await this.codec.encode(topic, item.record.event) }, record: item.record, poison: null });
      } else {
        const topic = this.topics[item.role];
        const value = await this.poisonBytes(item, random);
        this.encoded.push({ topic, message: { key: item.template.key, value }, record: null, poison: { role: item.role, flaw: item.flaw } });
      }
    }
  }

  /**
   * Sends everything at `ratePerSecond` (or the planned records `from` up to `to`, in order:
   * a load sent in parts); resolves when the last record is acknowledged.
   */
  async run(range: { from?: number; to?: number } = {}): Promise<{ startedAt: number; endedAt: number; sent: number }> {
    if (this.encoded.length !== this.planned.length) await this.prepare();
    const from = range.from ?? 0;
    const to = Math.min(range.to ?? this.encoded.length, this.encoded.length);
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const startedAt = Date.now();
    let next = from;
    try {
      while (next < to) {
        const due = Math.min(to, from + Math.ceil(((Date.now() - startedAt) / 1000) * this.options.ratePerSecond));
        if (due > next) {
          await this.sendRange(producer, next, due);
          next = due;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    } finally {
      await producer.disconnect();
    }
    return { startedAt, endedAt: Date.now(), sent: to - from };
  }

  /** Valid records go in batches; each poison record alone, so its offset is known exactly. Order per topic is kept. */
  private async sendRange(producer: Producer, from: number, to: number): Promise<void> {
    let batch = new Map<string, Message[]>();
    let batchRecords: EncodedItem[] = [];
    const flush = async (): Promise<void> => {
      if (batch.size === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages: [...batch].map(([topic, messages]) => ({ topic, messages })) });
      for (const item of batchRecords) this.remember(item);
      batch = new Map();
      batchRecords = [];
    };
    for (let index = from; index < to; index += 1) {
      const item = this.encoded[index] as EncodedItem;
      if (item.poison === null) {
        const list = batch.get(item.topic) ?? [];
        list.push(item.message);
        batch.set(item.topic, list);
        batchRecords.push(item);
        continue;
      }
      await flush();
      const [metadata] = await producer.send({ acks: -1, topic: item.topic, messages: [item.message] });
      if (metadata === undefined || metadata.baseOffset === undefined) throw new Error(`no offset returned for a poison record on ${item.topic}`);
      const position: PoisonPosition = { ...item.poison, topic: item.topic, partition: metadata.partition, offset: metadata.baseOffset };
      this.truth.poison.set(`${position.topic}/${position.partition}/${position.offset}`, position);
      this.truth.sentByTopic[item.topic] = (this.truth.sentByTopic[item.topic] ?? 0) + 1;
    }
    await flush();
  }

  private remember(item: EncodedItem): void {
    const record = item.record;
    if (record === null) return;
    this.truth.sentByTopic[item.topic] = (this.truth.sentByTopic[item.topic] ?? 0) + 1;
    if (record.resend) this.truth.resends += 1;
    switch (record.role) {
      case 'transactions':
        this.truth.transactions.set(record.event.eventId, record.event);
        return;
      case 'expenses':
        this.truth.expenses.set(record.event.eventId, record.event);
        return;
      case 'expense-sheets':
        this.truth.sheets.set(record.event.eventId, record.event);
        return;
      case 'labels':
        this.truth.labels.set(record.event.eventId, record.event);
        return;
    }
  }

  private async poisonBytes(item: Extract<PlannedItem, { kind: 'poison' }>, random: SeededRandom): Promise<Buffer> {
    const topic = this.topics[item.role];
    const valid = await this.codec.encode(topic, item.template.event);
    const body = valid.subarray(5);
    switch (item.flaw) {
      case 'bad-magic-byte': {
        const bytes = Buffer.from(valid);
        bytes[0] = random.int(1, 255);
        return bytes;
      }
      case 'short-frame':
        return Buffer.from(valid.subarray(0, 3));
      case 'unknown-schema-id': {
        const bytes = Buffer.from(valid);
        bytes.writeUInt32BE(UNKNOWN_SCHEMA_ID + item.serial, 1);
        return bytes;
      }
      case 'truncated-avro-body':
        return Buffer.concat([valid.subarray(0, 5), truncatedBody(item.role, body)]);
      case 'impossible-value':
        return this.codec.encode(topic, impossibleCopy(item.template, `poison-${item.role}-${item.serial}`));
    }
  }
}

/**
 * Half the body, or less if half still decodes (it cannot for these schemas, whose first
 * field is a string id longer than what is left, but the ground truth must be sure).
 */
function truncatedBody(role: InputTopicRole, body: Buffer): Buffer {
  const schema = topicDefinitions().get(role)?.valueSchema;
  if (schema === undefined || schema === null) throw new Error(`no schema for ${role}`);
  const type = avroType(schema);
  for (let length = Math.floor(body.length / 2); length > 0; length = Math.floor(length / 2)) {
    const cut = body.subarray(0, length);
    try {
      type.fromBuffer(cut);
    } catch {
      return Buffer.from(cut);
    }
  }
  return Buffer.alloc(0);
}

/** A copy of a real event under a fresh eventId and item id, with one impossible value. */
function impossibleCopy(template: SimulatedEventRecord, id: string): object {
  switch (template.role) {
    case 'transactions':
      return { ...template.event, eventId: id, transactionId: id, amount: Number.NaN };
    case 'expenses':
      return { ...template.event, eventId: id, expenseId: id, amount: Number.NaN };
    case 'expense-sheets':
      return { ...template.event, eventId: id, sheetId: id, expenseCount: -3 };
    case 'labels':
      return { ...template.event, eventId: id, itemId: id, scope: { ...template.event.scope }, label: ' ' };
  }
}

/**
 * The first `rate × duration` records of the synthetic producer (a stream sorted by
 * event time, so a resend always follows its original), with the poison records
 * spread evenly through it in a seeded order.
 */
function plan(options: LoadOptions): PlannedItem[] {
  const random = SeededRandom.fromSeed(options.seed).fork('poison-plan');
  const poisonSpecs: { role: InputTopicRole; flaw: PoisonFlaw }[] = [];
  for (const role of INPUT_TOPIC_ROLES) for (const flaw of POISON_FLAWS) for (let copy = 0; copy < options.poisonPerFlaw; copy += 1) poisonSpecs.push({ role, flaw });
  const order = random.shuffle(poisonSpecs);
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const validCount = total - order.length;
  let records: SimulatedEventRecord[] = [];
  for (let days = 14; records.length < validCount; days *= 2) {
    const generated = generateEvents({ users: options.users, orgs: options.orgs, days, seed: options.seed, invalidRate: 0, resendRate: options.resendRate, drift: false });
    records = generated.filter((record): record is SimulatedEventRecord => record.kind === 'event');
    if (days > 3650) throw new Error(`cannot generate ${validCount} records`);
  }
  records = records.slice(0, validCount);
  const items: PlannedItem[] = [];
  const lastByRole = new Map<InputTopicRole, SimulatedEventRecord>();
  const firstByRole = new Map<InputTopicRole, SimulatedEventRecord>();
  for (const record of records) if (!firstByRole.has(record.role)) firstByRole.set(record.role, record);
  const gap = validCount / (order.length + 1);
  let poisonIndex = 0;
  records.forEach((record, index) => {
    while (poisonIndex < order.length && index >= Math.round(gap * (poisonIndex + 1))) {
      const spec = order[poisonIndex] as { role: InputTopicRole; flaw: PoisonFlaw };
      const template = lastByRole.get(spec.role) ?? firstByRole.get(spec.role);
      if (template === undefined) throw new Error(`no ${spec.role} record to copy for a poison record`);
      poisonIndex += 1;
      items.push({ kind: 'poison', ...spec, template, serial: poisonIndex });
    }
    items.push({ kind: 'event', record });
    lastByRole.set(record.role, record);
  });
  return items;
}
