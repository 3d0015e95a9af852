import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { OutputCodecs } from '../../../src/app/event-codecs.js';
import { OutboxRelay } from '../../../src/app/outbox-relay.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import type { Decision } from '../../../src/domain/decision.js';
import { decision } from '../../contract/contract-fixtures.js';

const config = defaultConfig();

function afterMicrotasks(depth: number, action: () => void): void {
  if (depth === 0) action();
  else queueMicrotask(() => afterMicrotasks(depth - 1, action));
}

describe('OutboxRelay', () => {
  it('marks a pending decision whose request already reached the trainers (a relay died after sending it) without sending it again', async () => {
    const ports = embeddedPorts(new ManualClock(1_000), config.topics);
    await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
    const delivered = new Set(['user:u1/categorizer/1']);
    const relay = new OutboxRelay(ports.outbox, ports.sink, new OutputCodecs(ports.codec, config.topics), config.topics, ports.clock, undefined, (id) => Promise.resolve(delivered.has(id)));
    await ports.outbox.recordMany([decision({ decisionId: 'user:u1/categorizer/1' }), decision({ decisionId: 'user:u2/categorizer/1', scope: 'user:u2' })]);
    await relay.kick();
    expect(ports.bus.read(config.topics['training-requests'])).toHaveLength(1);
    expect(await ports.outbox.pending(10)).toEqual([]);
  });

  // A decision recorded while a run is ending must not be left unpublished: the kick that
  // announces it may land at any step of the run's last check. Every step is tried.
  it.each(Array.from({ length: 12 }, (_, depth) => depth))('publishes a decision kicked %i microtasks after the last empty check', async (depth) => {
    const ports = embeddedPorts(new ManualClock(1_000), config.topics);
    await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
    const relay = new OutboxRelay(ports.outbox, ports.sink, new OutputCodecs(ports.codec, config.topics), config.topics, ports.clock);
    const late: Decision = decision({ decisionId: 'user:u1/categorizer/1', publishedAt: null });
    const pending = ports.outbox.pending.bind(ports.outbox);
    let calls = 0;
    ports.outbox.pending = async (limit: number) => {
      const rows = await pending(limit);
      calls += 1;
      if (calls === 1) {
        afterMicrotasks(depth, () => {
          void ports.outbox.record(late).then(() => relay.kick());
        });
      }
      return rows;
    };
    await relay.kick();
    // Let the late kick's record-then-kick chain and any run it starts finish.
    await new Promise((resolve) => setTimeout(resolve, 5));
    while (!relay.idle) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await pending(10)).toEqual([]);
    expect(ports.bus.read(config.topics['training-requests'])).toHaveLength(1);
  });
});

describe('OutboxRelay when the broker refuses', () => {
  it('keeps the decision pending and counts the failure, then publishes it on the next kick', async () => {
    const ports = embeddedPorts(new ManualClock(1_000), config.topics);
    await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
    let refuse = true;
    const sink = { send: (topic: string, records: Parameters<typeof ports.sink.send>[1]) => (refuse ? Promise.reject(new Error('broker down')) : ports.sink.send(topic, records)) };
    const relay = new OutboxRelay(ports.outbox, sink, new OutputCodecs(ports.codec, config.topics), config.topics, ports.clock);
    await ports.outbox.record(decision({ decisionId: 'user:u1/categorizer/1', publishedAt: null }));
    await expect(relay.kick()).resolves.toBeUndefined();
    expect(relay.failures).toBe(1);
    expect(await ports.outbox.pending(10)).toHaveLength(1);
    refuse = false;
    await relay.kick();
    expect(await ports.outbox.pending(10)).toHaveLength(0);
    expect(relay.published).toBe(1);
  });
});
