import { describe, expect, it } from 'vitest';
import { isRelearnError } from '../../src/domain/errors.js';
import type { ModelRegistry } from '../../src/ports/model-registry.js';
import { modelVersion } from './contract-fixtures.js';

const artifact = new Uint8Array([1, 2, 3]);

async function expectCode(promise: Promise<unknown>, code: 'STALE_FENCE' | 'NOT_FOUND'): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(isRelearnError(error, code), `expected RelearnError ${code}, got ${String(error)}`).toBe(true);
}

/** What every ModelRegistry adapter guarantees: increasing versions, fenced stores, a champion pointer with rollback. */
export function describeModelRegistryContract(name: string, create: () => Promise<ModelRegistry>): void {
  describe(`ModelRegistry contract: ${name}`, () => {
    it('allocates strictly increasing versions per (scope, kind) and keeps the artifact', async () => {
      const registry = await create();
      const first = await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 1);
      const second = await registry.store(modelVersion('user:u1', 'categorizer', { trainedAt: 2_000 }), artifact, 2);
      const otherKind = await registry.store(modelVersion('user:u1', 'forecaster'), artifact, 3);
      expect([first.version, second.version, otherKind.version]).toEqual([1, 2, 1]);
      expect(first.artifactBytes).toBe(3);
      expect(first.modelId).not.toBe(second.modelId);
      expect(await registry.artifact('user:u1', 'categorizer', 2)).toEqual(artifact);
      expect(await registry.artifact('user:u1', 'categorizer', 9)).toBeNull();
      expect((await registry.get('user:u1', 'categorizer', 1))?.version).toBe(1);
      expect(await registry.get('user:u1', 'categorizer', 9)).toBeNull();
    });

    it('rejects a store fenced by an older token than a previous store with STALE_FENCE', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 5);
      await expectCode(registry.store(modelVersion('user:u1', 'categorizer'), artifact, 4), 'STALE_FENCE');
      expect(await registry.list({ scope: 'user:u1', kind: 'categorizer' })).toHaveLength(1);
      expect((await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 6)).version).toBe(2);
    });

    it('moves the champion on a promoted store only', async () => {
      const registry = await create();
      expect(await registry.champion('user:u1', 'categorizer')).toBeNull();
      await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 1);
      await registry.store(modelVersion('user:u1', 'categorizer', { promoted: false, decision: 'rejected' }), artifact, 2);
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
      await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 3);
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(3);
      expect(await registry.champions()).toEqual([expect.objectContaining({ scope: 'user:u1', kind: 'categorizer', version: 3 })]);
    });

    it('rolls back to the previous champion, then to an explicit version', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 1);
      await registry.store(modelVersion('user:u1', 'categorizer', { promoted: false }), artifact, 2);
      await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 3);
      expect(await registry.rollback('user:u1', 'categorizer', undefined, 10)).toEqual({ from: 3, to: 1 });
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
      expect(await registry.rollback('user:u1', 'categorizer', 2, 11)).toEqual({ from: 1, to: 2 });
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(2);
    });

    it('throws NOT_FOUND when there is nothing to roll back to', async () => {
      const registry = await create();
      await expectCode(registry.rollback('user:u1', 'categorizer', undefined, 1), 'NOT_FOUND');
      await registry.store(modelVersion('user:u1', 'categorizer'), artifact, 1);
      await expectCode(registry.rollback('user:u1', 'categorizer', undefined, 2), 'NOT_FOUND');
      await expectCode(registry.rollback('user:u1', 'categorizer', 7, 3), 'NOT_FOUND');
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
    });

    it('lists newest first with filters', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer', { trainedAt: 1 }), artifact, 1);
      await registry.store(modelVersion('org:o1', 'anomaly', { trainedAt: 2 }), artifact, 2);
      await registry.store(modelVersion('user:u1', 'categorizer', { trainedAt: 3 }), artifact, 3);
      expect((await registry.list({ scope: 'user:u1' })).map((row) => row.version)).toEqual([2, 1]);
      expect((await registry.list({ kind: 'anomaly' })).map((row) => row.scope)).toEqual(['org:o1']);
      expect(await registry.list({ limit: 2 })).toHaveLength(2);
    });
  });
}
