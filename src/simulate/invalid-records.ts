import type { SeededRandom } from './seeded-random.js';
import type { InputTopicRole, InvalidFlaw, SimulatedEventRecord, SimulatedInvalidRecord } from './simulated-record.js';
import { INVALID_FLAWS } from './simulated-record.js';
import { eventIdOf, type SimulationRun } from './simulation-run.js';

/** The topics on which each flaw can occur (a sheet has no amount, only a label has a scope). */
const ROLES_BY_FLAW: Readonly<Record<InvalidFlaw, readonly InputTopicRole[]>> = {
  'undecodable-bytes': ['transactions', 'expenses', 'expense-sheets', 'labels'],
  'nan-amount': ['transactions', 'expenses'],
  'infinite-amount': ['transactions', 'expenses'],
  'negative-expense-count': ['expense-sheets'],
  'missing-event-id': ['transactions', 'expenses', 'expense-sheets', 'labels'],
  'unknown-scope-type': ['labels'],
};

/** How many malformed extras make up `invalidRate` of all records when added to `validCount` valid ones. */
export function invalidCountFor(validCount: number, invalidRate: number): number {
  return Math.round((validCount * invalidRate) / (1 - invalidRate));
}

/**
 * Malformed records as a buggy producer would send them: each copies a real event of its
 * topic (fresh eventId and item id, so it never collides with the real one) and breaks one
 * field, or is plain junk bytes.
 */
export function invalidRecords(random: SeededRandom, run: SimulationRun, valid: readonly SimulatedEventRecord[], count: number): SimulatedInvalidRecord[] {
  const templatesByRole = new Map<InputTopicRole, SimulatedEventRecord[]>();
  for (const record of valid) {
    if (record.resend) continue;
    const list = templatesByRole.get(record.role) ?? [];
    list.push(record);
    templatesByRole.set(record.role, list);
  }
  const possibleFlaws = INVALID_FLAWS.filter((flaw) => ROLES_BY_FLAW[flaw].some((role) => templatesByRole.has(role)));
  const records: SimulatedInvalidRecord[] = [];
  if (possibleFlaws.length === 0) return records;

  for (let index = 1; index <= count; index++) {
    const flaw = random.pick(possibleFlaws);
    const role = random.pick(ROLES_BY_FLAW[flaw].filter((candidate) => templatesByRole.has(candidate)));
    const template = random.pick(templatesByRole.get(role) ?? []);
    const at = template.at + random.int(1_000, 3_600_000);
    if (flaw === 'undecodable-bytes') {
      records.push({ kind: 'invalid', role, key: template.key, at, flaw, value: null, bytes: junkBytes(random) });
      continue;
    }
    const { key, value } = brokenCopy(template, `bad${String(index).padStart(5, '0')}`, eventIdOf(run, 'invalid', String(index)));
    breakField(random, value, flaw);
    records.push({ kind: 'invalid', role, key, at, flaw, value, bytes: null });
  }
  return records;
}

function brokenCopy(template: SimulatedEventRecord, suffix: string, eventId: string): { key: string; value: Record<string, unknown> } {
  switch (template.role) {
    case 'transactions':
      return { key: template.key, value: { ...template.event, eventId, transactionId: `${template.event.userId}-${suffix}` } };
    case 'expenses':
      return { key: template.key, value: { ...template.event, eventId, expenseId: `${template.event.sheetId}-${suffix}` } };
    case 'expense-sheets': {
      // A sheet of its own, so the broken copy never closes a real sheet.
      const sheetId = `${template.event.orgId}-${suffix}`;
      return { key: sheetId, value: { ...template.event, eventId, sheetId } };
    }
    case 'labels':
      return { key: template.key, value: { ...template.event, eventId, scope: { ...template.event.scope } } };
  }
}

function breakField(random: SeededRandom, value: Record<string, unknown>, flaw: Exclude<InvalidFlaw, 'undecodable-bytes'>): void {
  switch (flaw) {
    case 'nan-amount':
      value.amount = Number.NaN;
      return;
    case 'infinite-amount':
      value.amount = random.chance(0.5) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      return;
    case 'negative-expense-count':
      value.expenseCount = -3;
      return;
    case 'missing-event-id':
      value.eventId = '';
      return;
    case 'unknown-scope-type':
      value.scope = { ...(value.scope as object), type: 'team' };
      return;
  }
}

/** Bytes that are no Confluent frame: the first byte is never the magic byte 0. */
function junkBytes(random: SeededRandom): Uint8Array {
  const bytes = new Uint8Array(random.int(5, 64));
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 255);
  bytes[0] = random.int(1, 255);
  return bytes;
}
