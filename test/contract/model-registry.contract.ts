import { describe, expect, it } from 'vitest';
import { isRelearnError } from '../../src/domain/errors.js';
import type { AnnouncementOutbox } from '../../src/ports/announcement-outbox.js';
import type { ModelRegistry } from '../../src/ports/model-registry.js';
import { modelVersion } from './contract-fixtures.js';

const artifact = new Uint8Array([1, 2, 3]);

/** Marks every pending announcement announced, as a relay would. */
async function settleAll(registry: ModelRegistry & AnnouncementOutbox): Promise<void> {
  for (const announcement of await registry.unannounced(100)) await registry.markAnnounced(announcement);
}

async function expectCode(promise: Promise<unknown>, code: 'STALE_FENCE' | 'NOT_FOUND' | 'INVALID_ARGUMENT'): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(isRelearnError(error, code), `expected RelearnError ${code}, got ${String(error)}`).toBe(true);
}

/** What every ModelRegistry adapter guarantees: increasing versions, fenced and idempotent stores, a champion pointer with an idempotent rollback, announcements recorded with each change. */
export function describeModelRegistryContract(name: string, create: () => Promise<ModelRegistry & AnnouncementOutbox>): void {
  describe(`ModelRegistry contract: ${name}`, () => {
    it('allocates strictly increasing versions per (scope, kind) and keeps the artifact', async () => {
      const registry = await create();
      const first = await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 1);
      const second = await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2', trainedAt: 2_000 }), artifact, 2);
      const otherKind = await registry.store(modelVersion('user:u1', 'forecaster', { requestId: 'r3' }), artifact, 3);
      expect([first.version, second.version, otherKind.version]).toEqual([1, 2, 1]);
      expect(first.artifactBytes).toBe(3);
      expect(first.modelId).not.toBe(second.modelId);
      expect(await registry.artifact('user:u1', 'categorizer', 2)).toEqual(artifact);
      expect(await registry.artifact('user:u1', 'categorizer', 9)).toBeNull();
      expect((await registry.get('user:u1', 'categorizer', 1))?.version).toBe(1);
      expect(await registry.get('user:u1', 'categorizer', 9)).toBeNull();
    });

    it('stores a training request once: a retry returns its version and announces nothing new', async () => {
      const registry = await create();
      const first = await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 1);
      const again = await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1', trainedAt: 5_000 }), artifact, 2);
      expect(again.version).toBe(first.version);
      expect(await registry.list({ scope: 'user:u1', kind: 'categorizer' })).toHaveLength(1);
      expect((await registry.byRequest('user:u1', 'categorizer', 'r1'))?.version).toBe(1);
      expect(await registry.byRequest('user:u1', 'categorizer', 'r9')).toBeNull();
      expect((await registry.unannounced(10)).map((entry) => entry.version)).toEqual([1]);
    });

    it('rejects a store fenced by an older token than a previous store or fence with STALE_FENCE', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 5);
      await expectCode(registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2' }), artifact, 4), 'STALE_FENCE');
      expect(await registry.list({ scope: 'user:u1', kind: 'categorizer' })).toHaveLength(1);
      expect((await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r3' }), artifact, 6)).version).toBe(2);
      // A newer lease fences before it trains: the holder it replaced can no longer store.
      await registry.fence('user:u1', 'categorizer', 9);
      await expectCode(registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r4' }), artifact, 8), 'STALE_FENCE');
      await expectCode(registry.fence('user:u1', 'categorizer', 8), 'STALE_FENCE');
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(2);
    });

    it('moves the champion on a promoted store only, and records an announcement for every version', async () => {
      const registry = await create();
      expect(await registry.champion('user:u1', 'categorizer')).toBeNull();
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 1);
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2', promoted: false, decision: 'rejected' }), artifact, 2);
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r3' }), artifact, 3);
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(3);
      expect(await registry.champions()).toEqual([expect.objectContaining({ scope: 'user:u1', kind: 'categorizer', version: 3 })]);
      const announced = await registry.unannounced(10);
      expect(announced.map((entry) => [entry.version, entry.requestId, entry.promoted])).toEqual([
        [1, 'r1', true],
        [2, 'r2', false],
        [3, 'r3', true],
      ]);
    });

    it('rolls back the newest promotion once: a retry changes nothing and announces nothing', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 1);
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2', promoted: false }), artifact, 2);
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r3' }), artifact, 3);
      await settleAll(registry);
      expect(await registry.rollback('user:u1', 'categorizer', {}, 10)).toEqual({ from: 3, to: 1, changed: true });
      expect(await registry.rollback('user:u1', 'categorizer', {}, 11)).toEqual({ from: 3, to: 1, changed: false });
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
      const announced = await registry.unannounced(10);
      expect(announced.map((entry) => [entry.version, entry.previousVersion, entry.decision])).toEqual([[1, 3, 'rolled back from v3']]);
    });

    it('rolls back to an explicit version, refusing one the gate rejected unless forced', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 1);
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r2', promoted: false }), artifact, 2);
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r3' }), artifact, 3);
      await expectCode(registry.rollback('user:u1', 'categorizer', { toVersion: 2 }, 10), 'INVALID_ARGUMENT');
      expect(await registry.rollback('user:u1', 'categorizer', { toVersion: 2, force: true }, 11)).toEqual({ from: 3, to: 2, changed: true });
      expect(await registry.rollback('user:u1', 'categorizer', { toVersion: 2, force: true }, 12)).toEqual({ from: 3, to: 2, changed: false });
      expect(await registry.rollback('user:u1', 'categorizer', { toVersion: 1 }, 13)).toEqual({ from: 2, to: 1, changed: true });
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
    });

    it('throws NOT_FOUND when there is nothing to roll back to', async () => {
      const registry = await create();
      await expectCode(registry.rollback('user:u1', 'categorizer', {}, 1), 'NOT_FOUND');
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 1);
      await expectCode(registry.rollback('user:u1', 'categorizer', {}, 2), 'NOT_FOUND');
      await expectCode(registry.rollback('user:u1', 'categorizer', { toVersion: 7 }, 3), 'NOT_FOUND');
      expect((await registry.champion('user:u1', 'categorizer'))?.version).toBe(1);
    });

    it('hands an announcement to one relay at a time, keeps the first log mark, and forgets it once announced', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1' }), artifact, 1);
      const [pending] = await registry.unannounced(10);
      if (pending === undefined) throw new Error('no announcement');
      expect(pending.claim).toBeNull();
      const first = await registry.claimAnnouncement(pending, '0:5', 100, 1_000);
      expect(first?.claim).toEqual({ until: 1_100, logMark: '0:5', attempts: 1 });
      expect(await registry.claimAnnouncement(pending, '0:6', 200, 1_000)).toBeNull();
      await registry.releaseAnnouncement(pending);
      const second = await registry.claimAnnouncement(pending, '0:7', 300, 1_000);
      expect(second?.claim).toEqual({ until: 1_300, logMark: '0:5', attempts: 2 });
      // A lapsed claim is taken over.
      const third = await registry.claimAnnouncement(pending, '0:8', 5_000, 1_000);
      expect(third?.claim?.attempts).toBe(3);
      await registry.markAnnounced(pending);
      expect(await registry.unannounced(10)).toEqual([]);
      expect(await registry.claimAnnouncement(pending, '0:9', 9_000, 1_000)).toBeNull();
    });

    it('lists newest first with filters', async () => {
      const registry = await create();
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r1', trainedAt: 1 }), artifact, 1);
      await registry.store(modelVersion('org:o1', 'anomaly', { requestId: 'r2', trainedAt: 2 }), artifact, 2);
      await registry.store(modelVersion('user:u1', 'categorizer', { requestId: 'r3', trainedAt: 3 }), artifact, 3);
      expect((await registry.list({ scope: 'user:u1' })).map((row) => row.version)).toEqual([2, 1]);
      expect((await registry.list({ kind: 'anomaly' })).map((row) => row.scope)).toEqual(['org:o1']);
      expect(await registry.list({ limit: 2 })).toHaveLength(2);
    });
  });
}
