import type { EffectiveSettings, RegisteredSubject, RelearnCli } from './relearn-cli.js';
import type { RelearnDeployment } from './relearn-env.js';

export interface PreparedDeployment {
  deployment: RelearnDeployment;
  env: Record<string, string>;
  settings: EffectiveSettings;
  registered: RegisteredSubject[];
}

/**
 * Checks that the build under test reads the deployment's names from `env` (a build that
 * ignored them would share state with another phase), then creates its topics with
 * `relearn topics apply` and registers its schemas with `relearn schemas register`.
 */
export async function prepareDeployment(cli: RelearnCli, deployment: RelearnDeployment, env: Record<string, string>, log: (line: string) => void): Promise<PreparedDeployment> {
  const settings = await cli.settings(env);
  const mismatches: string[] = [];
  if (settings.mongodb.database !== deployment.database) mismatches.push(`database ${settings.mongodb.database} (expected ${deployment.database})`);
  if (settings.core.groups.ingest !== deployment.ingestGroup) mismatches.push(`ingest group ${settings.core.groups.ingest} (expected ${deployment.ingestGroup})`);
  if (settings.core.groups.trainer !== deployment.trainerGroup) mismatches.push(`trainer group ${settings.core.groups.trainer} (expected ${deployment.trainerGroup})`);
  if (settings.core.topics['training-requests'] !== env.RELEARN_TOPIC_TRAINING_REQUESTS) mismatches.push(`training-requests topic ${settings.core.topics['training-requests']}`);
  if (mismatches.length > 0) throw new Error(`relearn config --json does not use the bench's settings: ${mismatches.join(', ')}`);
  const changes = await cli.applyTopics(env);
  const registered = await cli.registerSchemas(env);
  log(`${deployment.label}: topics ${changes.map((change) => `${change.topic} ${change.action}`).join(', ')}; ${registered.length} schemas registered`);
  return { deployment, env, settings, registered };
}

/** The schema id registered for `<topic>-value`. */
export function schemaIdOf(prepared: PreparedDeployment, topic: string): number {
  const entry = prepared.registered.find((candidate) => candidate.subject === `${topic}-value`);
  if (entry === undefined) throw new Error(`relearn schemas register reported no subject ${topic}-value`);
  return entry.id;
}
