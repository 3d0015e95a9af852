import { topicNames, type TopicRole } from '../contract/topic-definitions.js';
import { MODEL_KINDS } from '../domain/model-kind.js';
import type { SettingValues } from './setting.js';
import type { SettingProblem } from './settings-error.js';
import { SETTINGS, type SettingsSchema } from './settings-schema.js';

type Values = SettingValues<SettingsSchema>;

interface Member {
  path: string;
  env: string;
  set: boolean;
}

/** Settings that only make sense together: all of them, or none. Names the missing ones. */
function allOrNone(members: readonly Member[], purpose: string, invalid: ReadonlySet<string>): SettingProblem[] {
  if (members.some((member) => invalid.has(member.path))) return [];
  const given = members.filter((member) => member.set);
  if (given.length === 0 || given.length === members.length) return [];
  return members
    .filter((member) => !member.set)
    .map((member) => ({
      variable: `${member.env} (${member.path})`,
      value: null,
      expected: `to be set together with ${given.map((other) => other.env).join(' and ')}: ${purpose}`,
    }));
}

/** Rules across settings, checked after each one passed on its own. */
export function checkSettingCombinations(values: Values, invalid: ReadonlySet<string>): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const member = (path: string, env: string, set: boolean): Member => ({ path, env, set });

  problems.push(
    ...allOrNone(
      [
        member('kafka.brokers', SETTINGS.kafka.brokers.env, values.kafka.brokers.length > 0),
        member('schemaRegistry.url', SETTINGS.schemaRegistry.url.env, values.schemaRegistry.url !== null),
        member('mongodb.uri', SETTINGS.mongodb.uri.env, values.mongodb.uri !== null),
      ],
      'real mode needs Kafka, the schema registry and MongoDB (leave all three unset for the embedded mode)',
      invalid,
    ),
    ...allOrNone(
      [
        member('kafka.sasl.mechanism', SETTINGS.kafka.sasl.mechanism.env, values.kafka.sasl.mechanism !== null),
        member('kafka.sasl.username', SETTINGS.kafka.sasl.username.env, values.kafka.sasl.username !== null),
        member('kafka.sasl.password', SETTINGS.kafka.sasl.password.env, values.kafka.sasl.password !== null),
      ],
      'SASL needs a mechanism, a username and a password',
      invalid,
    ),
    ...allOrNone(
      [
        member('schemaRegistry.username', SETTINGS.schemaRegistry.username.env, values.schemaRegistry.username !== null),
        member('schemaRegistry.password', SETTINGS.schemaRegistry.password.env, values.schemaRegistry.password !== null),
      ],
      'basic auth needs a username and a password',
      invalid,
    ),
  );

  for (const kind of MODEL_KINDS) {
    const policy = values.core.policies[kind];
    const names = SETTINGS.core.policies[kind];
    const paths = (...keys: string[]) => keys.map((key) => `core.policies.${kind}.${key}`);
    if (!paths('minAnomalyRate', 'maxAnomalyRate').some((path) => invalid.has(path)) && policy.minAnomalyRate > policy.maxAnomalyRate) {
      problems.push({
        variable: `${names.minAnomalyRate.env} and ${names.maxAnomalyRate.env}`,
        value: `${policy.minAnomalyRate} and ${policy.maxAnomalyRate}`,
        expected: 'the minimum anomaly rate to be at most the maximum',
      });
    }
    if (!paths('minPerformanceSamples', 'performanceWindow').some((path) => invalid.has(path)) && policy.minPerformanceSamples > policy.performanceWindow) {
      problems.push({
        variable: `${names.minPerformanceSamples.env} and ${names.performanceWindow.env}`,
        value: `${policy.minPerformanceSamples} and ${policy.performanceWindow}`,
        expected: 'at most as many samples as the window holds (otherwise the performance rule never fires)',
      });
    }
  }

  const topicPaths = ['core.topicPrefix', ...Object.keys(values.core.topics).map((role) => `core.topics.${role}`)];
  if (!topicPaths.some((path) => invalid.has(path))) {
    const overrides: Partial<Record<TopicRole, string>> = {};
    for (const [role, name] of Object.entries(values.core.topics) as [TopicRole, string | null][]) if (name !== null) overrides[role] = name;
    const byName = new Map<string, TopicRole[]>();
    for (const [role, name] of Object.entries(topicNames(values.core.topicPrefix, overrides)) as [TopicRole, string][]) {
      byName.set(name, [...(byName.get(name) ?? []), role]);
    }
    for (const [name, roles] of byName) {
      if (roles.length < 2) continue;
      problems.push({
        variable: roles.map((role) => SETTINGS.core.topics[role].env).join(' and '),
        value: JSON.stringify(name),
        expected: 'a different topic for each role',
      });
    }
  }

  if (!invalid.has('core.groups.ingest') && !invalid.has('core.groups.trainer') && values.core.groups.ingest === values.core.groups.trainer) {
    problems.push({
      variable: `${SETTINGS.core.groups.ingest.env} and ${SETTINGS.core.groups.trainer.env}`,
      value: JSON.stringify(values.core.groups.ingest),
      expected: 'two different consumer groups (the roles consume different topics)',
    });
  }
  return problems;
}
