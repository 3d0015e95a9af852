import { INPUT_TOPIC_ROLES, INVALID_FLAWS, type InputTopicRole, type InvalidFlaw, type SimulatedRecord } from './simulated-record.js';

/** The design's default first-model threshold for a user's categorizer (design.md §3). */
const DEFAULT_LABELED_THRESHOLD = 50;

export interface GenerationSummary {
  /** Records per input topic as the topic receives them: valid events, resends and malformed extras. */
  byRole: Record<InputTopicRole, number>;
  /** Distinct valid events per topic (no resends, no malformed): what relearn must count. */
  distinctByRole: Record<InputTopicRole, number>;
  resends: number;
  invalid: Record<InvalidFlaw, number>;
  users: number;
  orgs: number;
  sheets: number;
  labels: number;
  plantedAnomalies: number;
  /** Transactions per user carrying a category at creation or a later label. */
  labeledPerUser: { min: number; median: number; max: number };
  labeledThreshold: number;
  /** Users who never reach `labeledThreshold` labeled transactions in the period: no first categorizer for them. */
  usersBelowLabeledThreshold: number;
}

export function summarizeGeneration(records: readonly SimulatedRecord[], labeledThreshold = DEFAULT_LABELED_THRESHOLD): GenerationSummary {
  const byRole = countByRole();
  const distinctByRole = countByRole();
  const invalid = Object.fromEntries(INVALID_FLAWS.map((flaw) => [flaw, 0])) as Record<InvalidFlaw, number>;
  const orgs = new Set<string>();
  const labeledByUser = new Map<string, Set<string>>();
  let resends = 0;
  let plantedAnomalies = 0;

  const labeledSet = (userId: string): Set<string> => {
    let set = labeledByUser.get(userId);
    if (set === undefined) {
      set = new Set();
      labeledByUser.set(userId, set);
    }
    return set;
  };

  for (const record of records) {
    byRole[record.role]++;
    if (record.kind === 'invalid') {
      invalid[record.flaw]++;
      continue;
    }
    if (record.resend) {
      resends++;
      continue;
    }
    distinctByRole[record.role]++;
    switch (record.role) {
      case 'transactions': {
        const set = labeledSet(record.event.userId);
        if (record.event.category !== null) set.add(record.event.transactionId);
        break;
      }
      case 'expenses':
        orgs.add(record.event.orgId);
        if (record.truth.anomaly !== null) plantedAnomalies++;
        break;
      case 'expense-sheets':
        orgs.add(record.event.orgId);
        break;
      case 'labels':
        if (record.event.scope.type === 'user') labeledSet(record.event.scope.id).add(record.event.itemId);
        break;
    }
  }

  const labeledCounts = [...labeledByUser.values()].map((set) => set.size).sort((left, right) => left - right);
  return {
    byRole,
    distinctByRole,
    resends,
    invalid,
    users: labeledByUser.size,
    orgs: orgs.size,
    sheets: distinctByRole['expense-sheets'],
    labels: distinctByRole.labels,
    plantedAnomalies,
    labeledPerUser: {
      min: labeledCounts[0] ?? 0,
      median: labeledCounts[Math.floor(labeledCounts.length / 2)] ?? 0,
      max: labeledCounts[labeledCounts.length - 1] ?? 0,
    },
    labeledThreshold,
    usersBelowLabeledThreshold: labeledCounts.filter((count) => count < labeledThreshold).length,
  };
}

function countByRole(): Record<InputTopicRole, number> {
  return Object.fromEntries(INPUT_TOPIC_ROLES.map((role) => [role, 0])) as Record<InputTopicRole, number>;
}
