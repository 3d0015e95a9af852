import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { topicNames, type TopicRole } from '../contract/topic-definitions.js';
import { checkSettingCombinations } from './check-setting-combinations.js';
import { deepFreeze } from './deep-freeze.js';
import { maskSecret } from './mask-settings.js';
import { defaultConfig } from './relearn-config.js';
import type { RelearnSettings } from './relearn-settings.js';
import { isSetting, type Setting, type SettingsTree, type SettingValues } from './setting.js';
import { SettingsError, type SettingProblem } from './settings-error.js';
import { SETTINGS, type SettingsSchema } from './settings-schema.js';

export interface LoadSettingsOptions {
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** A JSON file of settings; default: RELEARN_CONFIG_FILE. The environment overrides it. */
  file?: string;
}

export type SettingSource = 'default' | 'file' | 'env';

/** One setting as resolved: where its value came from. Secrets are masked. */
export interface ResolvedSetting {
  path: string;
  env: string;
  value: unknown;
  source: SettingSource;
  description: string;
}

export interface ResolvedSettings {
  settings: RelearnSettings;
  /** Every setting in declaration order, secrets masked, for `relearn config`. */
  resolved: readonly ResolvedSetting[];
  /** The JSON file read, if any. */
  file: string | null;
}

/**
 * Parses every setting once: defaults, then the JSON file, then the environment. Throws
 * SettingsError listing every bad value (its variable, the value, what was expected).
 * The result is deep-frozen.
 */
export function loadSettings(options: LoadSettingsOptions = {}): RelearnSettings {
  return resolveSettings(options).settings;
}

export function resolveSettings(options: LoadSettingsOptions = {}): ResolvedSettings {
  const env = options.env ?? process.env;
  const problems: SettingProblem[] = [];
  const fromEnvFile = options.file === undefined;
  const fileName = options.file ?? nonBlank(env.RELEARN_CONFIG_FILE);
  const fileValues = fileName === undefined ? undefined : readSettingsFile(fileName, fromEnvFile ? 'RELEARN_CONFIG_FILE' : 'config file', problems);
  const state: WalkState = { env, file: fileName === undefined ? null : resolve(fileName), problems, invalid: new Set(), resolved: [] };
  const values = walk(SETTINGS, fileValues, '', state) as SettingValues<SettingsSchema>;
  problems.push(...checkSettingCombinations(values, state.invalid));
  if (problems.length > 0) throw new SettingsError(problems);
  return { settings: deepFreeze(assemble(values)), resolved: deepFreeze(state.resolved), file: state.file };
}

interface WalkState {
  env: NodeJS.ProcessEnv;
  file: string | null;
  problems: SettingProblem[];
  /** Paths whose given value was rejected (their default stands in), so combination checks skip them. */
  invalid: Set<string>;
  resolved: ResolvedSetting[];
}

function nonBlank(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readSettingsFile(fileName: string, variable: string, problems: SettingProblem[]): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(fileName, 'utf8')) as unknown;
  } catch (error) {
    problems.push({ variable, value: JSON.stringify(fileName), expected: `a readable JSON file (${error instanceof Error ? error.message : String(error)})` });
    return undefined;
  }
  if (!isPlainObject(parsed)) {
    problems.push({ variable, value: JSON.stringify(fileName), expected: 'a JSON object at the top of the file' });
    return undefined;
  }
  return parsed;
}

const SHOWN_LENGTH = 200;

function shown(value: unknown, setting: Setting<unknown>): string {
  const text = JSON.stringify(maskSecret(value, setting.secret)) ?? String(value);
  return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}…` : text;
}

/** What zod adds to the setting's own words: which item or key was wrong, or a rule's message. */
function issueDetail(issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0];
  if (issue === undefined) return '';
  if (issue.code === 'unrecognized_keys') return ` (unknown ${issue.keys.map((key) => JSON.stringify(key)).join(', ')})`;
  if (issue.path.length > 0) {
    const where = issue.path.map((part) => (typeof part === 'number' ? `item ${part + 1}` : String(part))).join(', ');
    return ` (at ${where})`;
  }
  // A rule's own message says which rule failed; zod's generic "Invalid input" says nothing the setting's words do not.
  return issue.code === 'custom' && issue.message !== 'Invalid input' ? ` (${issue.message})` : '';
}

function walk(tree: SettingsTree, fileNode: unknown, prefix: string, state: WalkState): Record<string, unknown> {
  let node: Record<string, unknown> = {};
  if (fileNode !== undefined && state.file !== null) {
    if (isPlainObject(fileNode)) {
      node = fileNode;
      for (const key of Object.keys(node).filter((key) => !(key in tree))) {
        state.problems.push({
          variable: `${prefix === '' ? key : `${prefix}.${key}`} in ${state.file}`,
          value: JSON.stringify(node[key])?.slice(0, SHOWN_LENGTH) ?? 'undefined',
          expected: `a known setting${prefix === '' ? '' : ` of ${prefix}`}: one of ${Object.keys(tree).join(', ')}`,
        });
      }
    } else {
      state.problems.push({ variable: `${prefix} in ${state.file}`, value: JSON.stringify(fileNode)?.slice(0, SHOWN_LENGTH) ?? 'undefined', expected: `an object with any of ${Object.keys(tree).join(', ')}` });
    }
  }
  const values: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    values[key] = isSetting(child) ? resolveOne(child, path, node[key], state) : walk(child, node[key], path, state);
  }
  return values;
}

function resolveOne(setting: Setting<unknown>, path: string, fileValue: unknown, state: WalkState): unknown {
  let value = setting.default;
  let source: SettingSource = 'default';
  if (fileValue !== undefined && state.file !== null) {
    const parsed = setting.schema.safeParse(fileValue);
    if (parsed.success) {
      value = parsed.data;
      source = 'file';
    } else {
      state.invalid.add(path);
      state.problems.push({ variable: `${path} in ${state.file}`, value: shown(fileValue, setting), expected: `${setting.expected}${issueDetail(parsed.error.issues)}` });
    }
  }
  const text = nonBlank(state.env[setting.env]);
  if (text !== undefined) {
    const parsed = setting.schema.safeParse(setting.fromEnv(text));
    if (parsed.success) {
      value = parsed.data;
      source = 'env';
    } else {
      state.invalid.add(path);
      state.problems.push({ variable: setting.env, value: shown(text, setting), expected: `${setting.expected}${issueDetail(parsed.error.issues)}` });
    }
  }
  state.resolved.push({ path, env: setting.env, value: maskSecret(value, setting.secret), source, description: setting.description });
  return value;
}

function assemble(values: SettingValues<SettingsSchema>): RelearnSettings {
  const { kafka, schemaRegistry, mongodb, api, roles, shutdownTimeoutMs, log, core } = values;
  const { mechanism, username, password } = kafka.sasl;
  const topicOverrides: Partial<Record<TopicRole, string>> = {};
  for (const [role, name] of Object.entries(core.topics) as [TopicRole, string | null][]) if (name !== null) topicOverrides[role] = name;
  return {
    kafka: {
      brokers: kafka.brokers,
      clientId: kafka.clientId,
      ssl: kafka.ssl,
      sasl: mechanism !== null && username !== null && password !== null ? { mechanism, username, password } : null,
    },
    schemaRegistry,
    mongodb,
    api,
    roles,
    shutdownTimeoutMs,
    log,
    core: defaultConfig({
      topics: topicNames(core.topicPrefix, topicOverrides),
      policies: core.policies,
      incrementalOnNewData: core.incrementalOnNewData,
      engines: core.engines,
      hyperparameters: core.hyperparameters,
      training: core.training,
      schedule: core.schedule,
      groups: core.groups,
      caches: core.caches,
    }),
  };
}
