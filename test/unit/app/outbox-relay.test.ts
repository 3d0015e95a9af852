import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { OutputCodecs } from '../../../src/app/event-codecs.js';
import { OutboxRelay } from '../../../src/app/outbox-relay.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import type { Decision } from '../../../src/domain/decision.js';
import type { DecisionOutbox } from '../../../src/ports/decision-outbox.js';
import { decision } from '../../contract/contract-fixtures.js';

const config = defaultConfig();

function afterMicrotasks(depth: number, action: () => void): void {
  if (depth === 0) action();
  else queueMicrotask(() => afterMicrotasks(depth - 1, action));
}

describe('OutboxRelay', () => {
  it('does not publish again a decision a relay sent before dying ahead of its mark: it finds it on the topic', async () => {
    const clock = new ManualClock(1_000);
    const ports = embeddedPorts(clock, config.topics);
    await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
    const codecs = new OutputCodecs(ports.codec, config.topics);
    await ports.outbox.recordMany([decision({ decisionId: 'user:u1/categorizer/1' }), decision({ decisionId: 'user:u2/categorizer/1', scope: 'user:u2' })]);
    // The first relay's process dies right after the broker acknowledged its send.
    const dying = new OutboxRelay({ ...bound(ports.outbox), markPublished: () => Promise.reject(new Error('killed')) }, ports.sink, ports.log, codecs, config.topics, clock, () => undefined);
    await dying.kick();
    expect(ports.bus.read(config.topics['training-requests'])).toHaveLength(2);
    const successor = new OutboxRelay(ports.outbox, ports.sink, ports.log, codecs, config.topics, clock);
    await successor.kick();
    expect(ports.bus.read(config.topics['training-requests'])).toHaveLength(2);
    clock.set(clock.now() + 60_000);
    await successor.kick();
    expect(ports.bus.read(config.topics['training-requests'])).toHaveLength(2);
    expect(successor.recovered).toBe(2);
    expect(await ports.outbox.pending(10)).toEqual([]);
  });

  // A decision recorded while a run is ending must not be left unpublished: the kick that
  // announces it may land at any step of the run's last check. Every step is tried.
  it.each(Array.from({ length: 12 }, (_, depth) => depth))('publishes a decision kicked %i microtasks after the last empty check', async (depth) => {
    const ports = embeddedPorts(new ManualClock(1_000), config.topics);
    await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
    const relay = new OutboxRelay(ports.outbox, ports.sink, ports.log, new OutputCodecs(ports.codec, config.topics), config.topics, ports.clock);
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
    const relay = new OutboxRelay(ports.outbox, sink, ports.log, new OutputCodecs(ports.codec, config.topics), config.topics, ports.clock);
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

/** The outbox's methods bound to it, so a test can replace one. */
function bound(outbox: DecisionOutbox): DecisionOutbox {
  return {
    record: (row) => outbox.record(row),
    recordMany: (rows) => outbox.recordMany(rows),
    claimPublication: (id, now, leaseMs) => outbox.claimPublication(id, now, leaseMs),
    releasePublication: (id) => outbox.releasePublication(id),
    pending: (limit) => outbox.pending(limit),
    markPublished: (id, at) => outbox.markPublished(id, at),
    get: (id) => outbox.get(id),
    list: (filter) => outbox.list(filter),
  };
}
