import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { ChampionCache } from '../../../src/app/champion-cache.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { OutputCodecs } from '../../../src/app/event-codecs.js';
import { SheetAnalyst } from '../../../src/app/sheet-analyst.js';
import { SimulatedProducer } from '../../../src/app/simulated-producer.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { topicDefinitions } from '../../../src/contract/topic-definitions.js';
import type { SheetAnalysed } from '../../../src/domain/events.js';
import { expense, modelVersion, position } from '../../contract/contract-fixtures.js';

const config = defaultConfig();

async function setUp() {
  const clock = new ManualClock(1_000_000);
  const ports = embeddedPorts(clock, config.topics);
  await new SimulatedProducer(ports.sink, ports.codec, config.topics, topicDefinitions()).registerSchemas();
  for (const role of ['sheet-analyses'] as const) {
    const schema = topicDefinitions().get(role)?.valueSchema;
    if (schema !== undefined && schema !== null) await ports.codec.register(config.topics[role], schema);
  }
  await ports.store.appendBatch([1, 2, 3].map((index) => ({ input: { type: 'expense' as const, event: expense({ eventId: `x${index}`, expenseId: `e${index}`, orgId: 'o1', sheetId: 's1' }) }, position: position(index, 'expenses') })));
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  const analyst = new SheetAnalyst({
    store: ports.store,
    counters: ports.counters,
    champions: new ChampionCache(ports.registry),
    sink: ports.sink,
    codecs: new OutputCodecs(ports.codec, config.topics),
    topics: config.topics,
    policies: config.policies,
    clock,
    trainingWaitMs: 600_000,
    warn: (fields, message) => warnings.push({ fields, message }),
  });
  const published = async (): Promise<SheetAnalysed[]> => Promise.all(ports.bus.read(config.topics['sheet-analyses']).map(async (record) => ({ ...((await ports.codec.decode(record.value ?? Buffer.alloc(0))) as SheetAnalysed) })));
  return { ports, analyst, warnings, published };
}

describe('SheetAnalyst with a champion that cannot be loaded', () => {
  it('analyses the sheet as with no champion, says so, and adds no performance sample', async () => {
    const { ports, analyst, warnings, published } = await setUp();
    await ports.registry.store(modelVersion('org:o1', 'anomaly'), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 1);

    const event = await analyst.analyse({ sheetId: 's1', orgId: 'o1' }, false);

    expect(event).toMatchObject({ sheetId: 's1', orgId: 'o1', modelVersion: null, anomalies: [], anomalyRate: 0 });
    expect(await published()).toHaveLength(1);
    expect(warnings).toEqual([{ fields: expect.objectContaining({ scope: 'org:o1', kind: 'anomaly' }) as unknown, message: 'champion cannot be loaded; sheet analysed without a model' }]);
    expect((await ports.counters.get('org:o1', 'anomaly'))?.performance ?? []).toEqual([]);
  });

  it('waits, rejecting, when the registry cannot be read (that is not the model’s fault)', async () => {
    const { ports, analyst, warnings, published } = await setUp();
    ports.registry.champion = () => Promise.reject(new Error('registry unreachable'));

    await expect(analyst.analyse({ sheetId: 's1', orgId: 'o1' }, false)).rejects.toThrow(/registry unreachable/);
    expect(await published()).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
