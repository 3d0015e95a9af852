import { describe, expect, it } from 'vitest';

import { normalCleanupPolicy, planTopicChanges, type TopicToApply } from '../../../../src/adapters/kafka/plan-topic-changes.js';

const wanted: TopicToApply = { name: 'transactions.v1', partitions: 6, retentionMs: 1_000, cleanupPolicy: 'delete' };

describe('planTopicChanges', () => {
  it('creates a missing topic with every wanted setting', () => {
    expect(planTopicChanges(wanted, null)).toEqual([
      { topic: 'transactions.v1', action: 'created', before: null, after: { partitions: 6, retentionMs: 1_000, cleanupPolicy: 'delete' } },
    ]);
  });

  it('reports a topic that already matches as unchanged, whatever the order of its cleanup policies', () => {
    const compacted = { ...wanted, cleanupPolicy: 'compact,delete' };
    expect(planTopicChanges(compacted, { partitions: 6, retentionMs: 1_000, cleanupPolicy: 'delete, compact' })).toEqual([
      {
        topic: 'transactions.v1',
        action: 'unchanged',
        before: { partitions: 6, retentionMs: 1_000, cleanupPolicy: 'delete, compact' },
        after: { partitions: 6, retentionMs: 1_000, cleanupPolicy: 'compact,delete' },
      },
    ]);
  });

  it('raises partitions and names only the configs that differ', () => {
    expect(planTopicChanges(wanted, { partitions: 3, retentionMs: 500, cleanupPolicy: 'delete' })).toEqual([
      { topic: 'transactions.v1', action: 'partitions-increased', before: { partitions: 3 }, after: { partitions: 6 } },
      { topic: 'transactions.v1', action: 'config-altered', before: { retentionMs: 500 }, after: { retentionMs: 1_000 } },
    ]);
    expect(planTopicChanges(wanted, { partitions: 6, retentionMs: 1_000, cleanupPolicy: 'compact' })).toEqual([
      { topic: 'transactions.v1', action: 'config-altered', before: { cleanupPolicy: 'compact' }, after: { cleanupPolicy: 'delete' } },
    ]);
  });

  it('refuses fewer partitions with a reason, and still aligns the configs', () => {
    const changes = planTopicChanges(wanted, { partitions: 8, retentionMs: 2_000, cleanupPolicy: 'delete' });
    expect(changes.map((change) => change.action)).toEqual(['refused', 'config-altered']);
    expect(changes[0]).toMatchObject({ before: { partitions: 8 }, after: { partitions: 6 } });
    expect(changes[0]?.reason).toMatch(/cannot reduce/);
  });

  it('treats a retention the broker did not report as different', () => {
    expect(planTopicChanges(wanted, { partitions: 6, retentionMs: Number.NaN, cleanupPolicy: 'delete' }).map((change) => change.action)).toEqual(['config-altered']);
  });
});

describe('normalCleanupPolicy', () => {
  it('ignores order, case and spaces', () => {
    expect(normalCleanupPolicy(' Delete ,compact')).toBe('compact,delete');
    expect(normalCleanupPolicy('compact')).toBe('compact');
  });
});
