import type { RelearnConfig } from '../config/relearn-config.js';
import { RelearnError } from '../domain/errors.js';
import type { TrainingRequested } from '../domain/events.js';
import { parseScope } from '../domain/scope.js';
import type { EventStore, StoredExpense, StoredTransaction } from '../ports/event-store.js';

const DAY = 86_400_000;

/** The least a model can be trained on at all, even when forced: below it a "model" would be noise. */
const ABSOLUTE_MINIMUM = { categorizer: 10, forecaster: 20, anomaly: 10 } as const;

/**
 * Reads a request's training rows: the newest `maxRows` (the training-set bound) within
 * the look-back, if one was asked for. Throws INSUFFICIENT_DATA (not retriable) when
 * even a forced training has nothing to learn from.
 */
export async function loadTrainingRows(
  store: EventStore,
  request: TrainingRequested,
  config: RelearnConfig,
  now: number,
): Promise<StoredTransaction[] | StoredExpense[]> {
  const scope = parseScope(request.scope);
  if (scope === undefined) throw new RelearnError('INVALID_ARGUMENT', `request ${request.requestId}: bad scope ${request.scope}`);
  const since = request.lookbackDays === null ? undefined : now - request.lookbackDays * DAY;
  const limit = config.training.maxRows[request.modelKind];
  let rows: StoredTransaction[] | StoredExpense[];
  switch (request.modelKind) {
    case 'categorizer':
      rows = await store.transactions(scope.id, { since, limit, labeledOnly: true });
      if (new Set(rows.map((row) => row.label)).size < 2) {
        throw new RelearnError('INSUFFICIENT_DATA', `${request.scope} has fewer than 2 categories among ${rows.length} labeled transactions`);
      }
      break;
    case 'forecaster':
      rows = (await store.transactions(scope.id, { since, limit })).filter((row) => row.amount < 0);
      break;
    case 'anomaly':
      rows = await store.expenses(scope.id, { since, limit });
      break;
  }
  if (rows.length < ABSOLUTE_MINIMUM[request.modelKind]) {
    throw new RelearnError('INSUFFICIENT_DATA', `${request.scope} has ${rows.length} ${request.modelKind} rows, at least ${ABSOLUTE_MINIMUM[request.modelKind]} are needed`);
  }
  return rows;
}
