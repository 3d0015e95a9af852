import { afterEach, describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { RelearnSystem } from '../../../src/app/relearn-system.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { until } from './until.js';
import { modelVersion } from '../../contract/contract-fixtures.js';

const config = defaultConfig();
const systems: RelearnSystem[] = [];

afterEach(async () => {
  for (const system of systems.splice(0)) await system.stop();
});


describe('champion caches following relearn.model-updates.v1', () => {
  it('drop a scope’s cached champions when another process announces a change for it', async () => {
    const ports = embeddedPorts(new ManualClock(1_000), config.topics);
    const system = new RelearnSystem(ports, config, { roles: new Set(['ingest']), owner: 'follower', trainingWaitMs: 60_000, followChampionUpdates: true });
    systems.push(system);
    await system.start();
    const load = (artifact: Uint8Array) => artifact.length;
    expect(await system.champions.get('user:u1', 'categorizer', load)).toBeNull();
    // Another process trains version 1: this one's registry has it, its cache does not know.
    await ports.registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), new Uint8Array([1, 2]), 1);
    expect(await system.champions.get('user:u1', 'categorizer', load)).toBeNull();
    // Its announcement arrives: the next read goes to the registry.
    await ports.sink.send(config.topics['model-updates'], [{ key: 'user:u1', value: Buffer.from('any ModelUpdated') }]);
    await until(async () => (await system.champions.get('user:u1', 'categorizer', load)) !== null);
    expect((await system.champions.get('user:u1', 'categorizer', load))?.version.version).toBe(1);
  });
});
