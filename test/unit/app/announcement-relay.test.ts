import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { AnnouncementRelay } from '../../../src/app/announcement-relay.js';
import { RELAY_CLAIM_MS } from '../../../src/app/relay-claim.js';
import { embeddedPorts, type EmbeddedPorts } from '../../../src/app/composition-root.js';
import { OutputCodecs } from '../../../src/app/event-codecs.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import type { ModelUpdated } from '../../../src/domain/events.js';
import type { AnnouncementOutbox } from '../../../src/ports/announcement-outbox.js';
import { OUTBOX_ID_HEADER, type EventSink } from '../../../src/ports/event-bus.js';
import { modelVersion } from '../../contract/contract-fixtures.js';

const config = defaultConfig();

async function setUp(): Promise<{ ports: EmbeddedPorts; clock: ManualClock; relayWith: (overrides?: { outbox?: AnnouncementOutbox; sink?: EventSink }) => AnnouncementRelay }> {
  const clock = new ManualClock(1_000);
  const ports = embeddedPorts(clock, config.topics);
  await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
  const codecs = new OutputCodecs(ports.codec, config.topics);
  const relayWith = (overrides: { outbox?: AnnouncementOutbox; sink?: EventSink } = {}) =>
    new AnnouncementRelay({ outbox: overrides.outbox ?? ports.announcements, registry: ports.registry, sink: overrides.sink ?? ports.sink, log: ports.log, codecs, topics: config.topics, clock, onError: () => undefined });
  return { ports, clock, relayWith };
}

async function published(ports: EmbeddedPorts): Promise<{ id: string | undefined; event: ModelUpdated }[]> {
  return Promise.all(
    ports.bus.read(config.topics['model-updates']).map(async (record) => ({ id: record.headers[OUTBOX_ID_HEADER], event: { ...((await ports.codec.decode(record.value ?? Buffer.alloc(0))) as ModelUpdated) } })),
  );
}

describe('AnnouncementRelay', () => {
  it('publishes every committed version and rollback once, tagged with its outbox id, and forgets them', async () => {
    const { ports, relayWith } = await setUp();
    await ports.registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), new Uint8Array([1]), 1);
    await ports.registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2', trainedAt: 2_000 }), new Uint8Array([2]), 2);
    await ports.registry.rollback('user:u1', 'categorizer', {}, 3_000);
    const relay = relayWith();
    await relay.kick();
    await relay.kick();
    const events = await published(ports);
    expect(events.map(({ event }) => [event.version, event.previousVersion, event.decision, event.requestId.startsWith('rollback:') ? 'rollback' : event.requestId])).toEqual([
      [1, null, 'promoted', 'r1'],
      [2, null, 'promoted', 'r2'],
      [1, 2, 'rolled back from v2', 'rollback'],
    ]);
    expect(new Set(events.map(({ id }) => id)).size).toBe(3);
    expect(await ports.announcements.unannounced(10)).toEqual([]);
  });

  it('does not send again what a relay sent before dying ahead of its mark: it finds it on the log', async () => {
    const { ports, clock, relayWith } = await setUp();
    await ports.registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), new Uint8Array([1]), 1);
    // The first relay's process dies right after the broker acknowledged its send.
    const dying = relayWith({ outbox: { ...bound(ports.announcements), markAnnounced: () => Promise.reject(new Error('killed')) } });
    await dying.kick();
    expect(await published(ports)).toHaveLength(1);
    expect(await ports.announcements.unannounced(10)).toHaveLength(1);
    // Another relay while the claim is held: it leaves it alone.
    const successor = relayWith();
    await successor.kick();
    expect(await published(ports)).toHaveLength(1);
    // After the claim lapsed: found on the log, marked, not sent.
    clock.set(clock.now() + RELAY_CLAIM_MS + 1);
    await successor.kick();
    expect(await published(ports)).toHaveLength(1);
    expect(successor.recovered).toBe(1);
    expect(await ports.announcements.unannounced(10)).toEqual([]);
  });

  it('keeps an announcement while the broker refuses it and sends it once when it is back (rollback while Kafka is down)', async () => {
    const { ports, relayWith } = await setUp();
    await ports.registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), new Uint8Array([1]), 1);
    await ports.registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2', trainedAt: 2_000 }), new Uint8Array([2]), 2);
    await relayWith().kick();
    let up = false;
    const flaky: EventSink = { send: (topic, records) => (up ? ports.sink.send(topic, records) : Promise.reject(new Error('broker down'))) };
    const relay = relayWith({ sink: flaky });
    expect(await ports.registry.rollback('user:u1', 'categorizer', {}, 3_000)).toMatchObject({ changed: true });
    await relay.kick();
    await relay.kick();
    expect(relay.failures).toBe(2);
    // A client retries the rollback meanwhile: nothing new is recorded.
    expect(await ports.registry.rollback('user:u1', 'categorizer', {}, 4_000)).toMatchObject({ changed: false });
    up = true;
    await relay.kick();
    const rollbacks = (await published(ports)).filter(({ event }) => event.decision.startsWith('rolled back'));
    expect(rollbacks.map(({ event }) => [event.version, event.previousVersion])).toEqual([[1, 2]]);
    expect(await ports.announcements.unannounced(10)).toEqual([]);
  });
});

/** The outbox's methods bound to it, so a test can replace one. */
function bound(outbox: AnnouncementOutbox): AnnouncementOutbox {
  return {
    unannounced: (limit) => outbox.unannounced(limit),
    claimAnnouncement: (announcement, mark, now, leaseMs) => outbox.claimAnnouncement(announcement, mark, now, leaseMs),
    releaseAnnouncement: (announcement) => outbox.releaseAnnouncement(announcement),
    markAnnounced: (announcement) => outbox.markAnnounced(announcement),
  };
}
