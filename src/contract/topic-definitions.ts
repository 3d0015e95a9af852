import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where topics/ and schemas/ live: two levels above this file both in src/ and in dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The roles topics play; names are configurable, roles are not. */
export type TopicRole =
  | 'transactions'
  | 'expenses'
  | 'expense-sheets'
  | 'labels'
  | 'training-requests'
  | 'model-updates'
  | 'sheet-analyses'
  | 'dlq';

export const INPUT_ROLES = ['transactions', 'expenses', 'expense-sheets', 'labels'] as const satisfies readonly TopicRole[];

export interface TopicDefinition {
  role: TopicRole;
  /** Default name, before prefix and overrides. */
  name: string;
  partitions: number;
  key: string;
  retentionMs: number;
  cleanupPolicy: string;
  /** The parsed .avsc, or null for the DLQ (it carries original bytes). */
  valueSchema: Record<string, unknown> | null;
  valueSchemaFile: string | null;
  description: string;
}

const ROLE_BY_DEFAULT_NAME: Readonly<Record<string, TopicRole>> = {
  'transactions.v1': 'transactions',
  'expenses.v1': 'expenses',
  'expense-sheets.v1': 'expense-sheets',
  'labels.v1': 'labels',
  'relearn.training-requests.v1': 'training-requests',
  'relearn.model-updates.v1': 'model-updates',
  'relearn.sheet-analyses.v1': 'sheet-analyses',
  'relearn.dlq.v1': 'dlq',
};

interface TopicFile {
  name: string;
  partitions: number;
  key: string;
  retentionMs: number;
  cleanupPolicy: string;
  valueSchema: string | null;
  description: string;
}

let cached: ReadonlyMap<TopicRole, TopicDefinition> | undefined;

/** Reads topics/*.json and the schemas they name, once. */
export function topicDefinitions(root: string = PACKAGE_ROOT): ReadonlyMap<TopicRole, TopicDefinition> {
  if (cached !== undefined && root === PACKAGE_ROOT) return cached;
  const definitions = new Map<TopicRole, TopicDefinition>();
  for (const file of readdirSync(`${root}topics`).filter((name) => name.endsWith('.json')).sort()) {
    const parsed = JSON.parse(readFileSync(`${root}topics/${file}`, 'utf8')) as TopicFile;
    const role = ROLE_BY_DEFAULT_NAME[parsed.name];
    if (role === undefined) throw new Error(`topics/${file}: unknown topic ${parsed.name}`);
    const valueSchema =
      parsed.valueSchema === null ? null : (JSON.parse(readFileSync(`${root}schemas/${parsed.valueSchema}`, 'utf8')) as Record<string, unknown>);
    definitions.set(role, { ...parsed, role, valueSchema, valueSchemaFile: parsed.valueSchema });
  }
  for (const role of Object.values(ROLE_BY_DEFAULT_NAME)) {
    if (!definitions.has(role)) throw new Error(`topics/ has no definition for the ${role} topic`);
  }
  if (root === PACKAGE_ROOT) cached = definitions;
  return definitions;
}

export type TopicNames = Readonly<Record<TopicRole, string>>;

/** Applies the configured prefix and per-role overrides to the default names. */
export function topicNames(prefix = '', overrides: Partial<Record<TopicRole, string>> = {}): TopicNames {
  const names = {} as Record<TopicRole, string>;
  for (const [role, definition] of topicDefinitions()) names[role] = overrides[role] ?? `${prefix}${definition.name}`;
  return Object.freeze(names);
}
