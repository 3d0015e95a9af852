import { describe, expect, it } from 'vitest';
import { OUTBOX_ID_HEADER, timeMark, type EventSink, type EventSource, type IncomingBatch, type IncomingRecord, type PublishedLog } from '../../src/ports/event-bus.js';

export type EventBus = EventSink & EventSource & PublishedLog;

let topicSequence = 0;

/** Every test on its own topic and group, so adapters backed by a shared broker need no cleanup between tests. */
function uniqueName(prefix: string): string {
  topicSequence += 1;
  return `contract-${prefix}-${process.pid}-${topicSequence}`;
}

function records(key: string, values: readonly string[]): { key: string; value: Buffer }[] {
  return values.map((value) => ({ key, value: Buffer.from(value) }));
}

/** Collects delivered records and resolves once `count` have arrived; no timers involved. */
function collector(count: number): { handler: (batch: IncomingBatch) => Promise<void>; received: IncomingRecord[]; done: Promise<void> } {
  const received: IncomingRecord[] = [];
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((settle) => {
    resolve = settle;
  });
  return {
    received,
    done,
    handler: (batch) => {
      received.push(...batch.records);
      if (received.length >= count) resolve();
      return Promise.resolve();
    },
  };
}

function byPartition(rows: readonly IncomingRecord[]): Map<number, IncomingRecord[]> {
  const grouped = new Map<number, IncomingRecord[]>();
  for (const row of rows) grouped.set(row.partition, [...(grouped.get(row.partition) ?? []), row]);
  return grouped;
}

/**
 * What every event bus adapter guarantees: per-partition order with increasing offsets,
 * committed group offsets that survive a new subscription, and no commit for a batch
 * whose handler rejected.
 */
export function describeEventBusContract(name: string, create: () => Promise<EventBus>): void {
  describe(`EventBus contract: ${name}`, () => {
    it('reads back which tagged records reached the log at or after their mark, and only those', async () => {
      const bus = await create();
      const topic = uniqueName('read-back');
      const tagged = (key: string, id: string) => ({ key, value: Buffer.from(id), headers: { [OUTBOX_ID_HEADER]: id } });
      await bus.send(topic, [tagged('k', 'sent-before-the-mark')]);
      const mark = await bus.markFor(topic, 'k');
      expect(await bus.published(topic, [{ key: 'k', logMark: mark, outboxId: 'sent-after' }])).toEqual(new Set());
      await bus.send(topic, [tagged('k', 'sent-after'), tagged('other-key', 'elsewhere')]);
      const later = await bus.markFor(topic, 'k');
      const found = await bus.published(topic, [
        { key: 'k', logMark: mark, outboxId: 'sent-after' },
        { key: 'k', logMark: mark, outboxId: 'sent-before-the-mark' },
        { key: 'k', logMark: later, outboxId: 'never-sent' },
      ]);
      expect(found).toEqual(new Set(['sent-after']));
      // By time: every record stamped at or after it, none for a time to come.
      const byTime = await bus.published(topic, [
        { key: 'k', logMark: timeMark(0), outboxId: 'sent-after' },
        { key: 'k', logMark: timeMark(0), outboxId: 'sent-before-the-mark' },
        { key: 'k', logMark: timeMark(Date.now() + 86_400_000), outboxId: 'never-sent' },
      ]);
      expect(byTime).toEqual(new Set(['sent-after', 'sent-before-the-mark']));
      expect(await bus.published(topic, [{ key: 'k', logMark: timeMark(Date.now() + 86_400_000), outboxId: 'sent-after' }])).toEqual(new Set());
    });

    it('delivers records of one key in send order with increasing offsets', async () => {
      const bus = await create();
      const topic = uniqueName('order');
      await bus.send(topic, records('k', ['a', 'b', 'c', 'd', 'e']));
      const collect = collector(5);
      const subscription = await bus.subscribe({ groupId: uniqueName('group'), topics: [topic], fromBeginning: true }, collect.handler);
      await collect.done;
      await subscription.stop();
      expect(collect.received.map((row) => row.value?.toString())).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(new Set(collect.received.map((row) => row.partition)).size).toBe(1);
      const offsets = collect.received.map((row) => BigInt(row.offset));
      offsets.forEach((offset, index) => index > 0 && expect(offset > (offsets[index - 1] ?? -1n)).toBe(true));
      expect(collect.received.every((row) => row.topic === topic && row.key === 'k')).toBe(true);
    });

    it('keeps per-partition order across many keys and carries headers', async () => {
      const bus = await create();
      const topic = uniqueName('keys');
      const sent: { key: string; value: Buffer; headers: Record<string, string> }[] = [];
      for (let index = 0; index < 40; index += 1) sent.push({ key: `key-${index % 7}`, value: Buffer.from(String(index)), headers: { index: String(index) } });
      await bus.send(topic, sent);
      const collect = collector(sent.length);
      const subscription = await bus.subscribe({ groupId: uniqueName('group'), topics: [topic], fromBeginning: true }, collect.handler);
      await collect.done;
      await subscription.stop();
      for (const rows of byPartition(collect.received).values()) {
        const values = rows.map((row) => Number(row.value?.toString()));
        expect(values).toEqual([...values].sort((a, b) => a - b));
        const offsets = rows.map((row) => BigInt(row.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      const partitionOfKey = new Map<string, number>();
      for (const row of collect.received) {
        expect(row.headers.index).toBe(row.value?.toString());
        const seen = partitionOfKey.get(row.key ?? '');
        if (seen !== undefined) expect(row.partition).toBe(seen);
        partitionOfKey.set(row.key ?? '', row.partition);
      }
    });

    it('does not redeliver committed records to a new subscription of the same group', async () => {
      const bus = await create();
      const topic = uniqueName('commit');
      const groupId = uniqueName('group');
      await bus.send(topic, records('k', ['a', 'b']));
      const first = collector(2);
      const firstSubscription = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, first.handler);
      await first.done;
      await firstSubscription.stop();

      await bus.send(topic, records('k', ['c']));
      const second = collector(1);
      const secondSubscription = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, second.handler);
      await second.done;
      await secondSubscription.stop();
      expect(second.received.map((row) => row.value?.toString())).toEqual(['c']);

      const otherGroup = collector(3);
      const otherSubscription = await bus.subscribe({ groupId: uniqueName('group'), topics: [topic], fromBeginning: true }, otherGroup.handler);
      await otherGroup.done;
      await otherSubscription.stop();
      expect(otherGroup.received.map((row) => row.value?.toString())).toEqual(['a', 'b', 'c']);
    });

    it('leaves a batch uncommitted when its handler rejects', async () => {
      const bus = await create();
      const topic = uniqueName('reject');
      const groupId = uniqueName('group');
      await bus.send(topic, records('k', ['a', 'b']));
      let signalFailure: () => void = () => undefined;
      const failed = new Promise<void>((resolve) => {
        signalFailure = resolve;
      });
      const failing = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, () => {
        signalFailure();
        return Promise.reject(new Error('handler failed'));
      });
      await failed;
      // Whether stop() surfaces the handler's error is adapter-specific; what matters is the commit.
      await failing.stop().catch(() => undefined);

      const retry = collector(2);
      const retrySubscription = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, retry.handler);
      await retry.done;
      await retrySubscription.stop();
      expect(retry.received.map((row) => row.value?.toString())).toEqual(['a', 'b']);
    });
  });
}
