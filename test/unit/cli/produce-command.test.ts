import { describe, expect, it } from 'vitest';
import { MemoryAvroCodec } from '../../../src/adapters/memory/memory-avro-codec.js';
import { MemoryEventBus } from '../../../src/adapters/memory/memory-event-bus.js';
import type { CliContext } from '../../../src/cli/cli-io.js';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { defaultProduceStart, produceCommand, type ProduceReport } from '../../../src/cli/produce-command.js';
import type { ProduceTransportFactory } from '../../../src/cli/produce-transport.js';
import type { RelearnSettings } from '../../../src/config/relearn-settings.js';
import { generateEvents } from '../../../src/simulate/generate-events.js';
import { run, testContext } from './cli-test-context.js';

const REAL = { KAFKA_BROKERS: 'kafka:9092', SCHEMA_REGISTRY_URL: 'http://registry:8081', MONGODB_URI: 'mongodb://mongo:27017' };
const OPTIONS = ['--users', '2', '--orgs', '1', '--days', '21', '--seed', '5', '--start', '2026-01-05'];

function memoryTransport() {
  const bus = new MemoryEventBus(() => 1, () => 0);
  const codec = new MemoryAvroCodec();
  const calls = { connected: [] as RelearnSettings[], closed: 0 };
  const factory: ProduceTransportFactory = (settings) => {
    calls.connected.push(settings);
    return Promise.resolve({ sink: bus, codec, close: () => Promise.resolve(void (calls.closed += 1)) });
  };
  return { bus, codec, calls, factory };
}

function produce(context: CliContext, factory: ProduceTransportFactory, ...args: string[]) {
  return run(context, (captured) => [produceCommand(captured, factory)], 'produce', ...args);
}

describe('relearn produce', () => {
  it('publishes the first --count records of the seeded simulation, Avro-encoded, to the configured topics, then closes', async () => {
    const transport = memoryTransport();
    const result = await produce(testContext({ ...REAL, RELEARN_TOPIC_PREFIX: 'load.' }), transport.factory, ...OPTIONS, '--count', '200', '--json');
    expect(result.stderr).toBe('producing 100%\n');
    expect(result.code).toBe(EXIT.ok);
    const report = JSON.parse(result.stdout) as ProduceReport;
    expect(report.sent).toBe(200);
    expect(transport.calls.connected[0]?.kafka.brokers).toEqual(['kafka:9092']);
    expect(transport.calls.closed).toBe(1);

    const expected = generateEvents({ users: 2, orgs: 1, days: 21, seed: 5, start: Date.UTC(2026, 0, 5) }).slice(0, 200);
    const sentTransactions = transport.bus.read('load.transactions.v1');
    expect(report.byTopic['load.transactions.v1']).toBe(sentTransactions.length);
    expect(Object.values(report.byTopic).reduce((sum, count) => sum + count, 0)).toBe(200);
    const expectedIds = expected.filter((record) => record.kind === 'event' && record.role === 'transactions').map((record) => (record.kind === 'event' ? record.event.eventId : ''));
    const decoded = [];
    for (const record of sentTransactions) {
      if (record.value === null || record.value[0] !== 0) continue;
      try {
        decoded.push(((await transport.codec.decode(record.value)) as { eventId: string }).eventId);
      } catch {
        // Junk bytes planted as malformed records are meant not to decode.
      }
    }
    expect(decoded).toEqual(expectedIds);
    expect(report.invalid).toBe(expected.filter((record) => record.kind === 'invalid').length);
  });

  it('paces batches by --rate on a schedule that does not drift', async () => {
    const transport = memoryTransport();
    const context = testContext(REAL);
    const result = await produce(context, transport.factory, ...OPTIONS, '--count', '50', '--rate', '100');
    expect(result.code).toBe(EXIT.ok);
    // 100 records/s in batches of 10 (a tenth of a second each): five batches, four waits.
    expect(context.sleeps).toEqual([100, 100, 100, 100]);
    expect(result.stdout).toContain('produced 50 records in 400 ms (125 records/s)');
  });

  it('closes the transport when publishing fails, and exits 1', async () => {
    const transport = memoryTransport();
    const failing: ProduceTransportFactory = async (settings) => {
      const opened = await transport.factory(settings);
      return { ...opened, sink: { send: () => Promise.reject(new Error('broker went away')) } };
    };
    const result = await produce(testContext(REAL), failing, ...OPTIONS, '--count', '5');
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toContain('broker went away');
    expect(transport.calls.closed).toBe(1);
  });
});

describe('defaultProduceStart', () => {
  it('is the Monday at 00:00 UTC on or before `days` days ago', () => {
    const now = Date.UTC(2026, 5, 17, 15, 30); // a Wednesday
    const start = defaultProduceStart(now, 31); // 2026-05-17, a Sunday
    expect(new Date(start).toISOString()).toBe('2026-05-11T00:00:00.000Z');
    expect(new Date(start).getUTCDay()).toBe(1);
  });
});
