import { Command } from 'commander';
import { applyContractTopics } from '../app/composition-root.js';
import { loadSettings } from '../config/load-settings.js';
import { isEmbeddedMode } from '../config/relearn-settings.js';
import type { CliContext } from './cli-io.js';
import { EXIT, ExitWith } from './exit-codes.js';
import { formatTable } from './format-table.js';
import { integerOption } from './option-parsers.js';
import { printJson } from './print-json.js';

interface ApplyFlags {
  config?: string;
  replicationFactor: number;
  json: boolean;
}

function shown(settings: Record<string, unknown> | null): string {
  if (settings === null) return '-';
  return Object.entries(settings)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
}

export function topicsCommand(context: CliContext): Command {
  const topics = new Command('topics').description("manage relearn's Kafka topics (topics/)");
  topics
    .command('apply')
    .description('create missing topics, raise partition counts, align retention and cleanup policy; report what changed')
    .option('--config <file>', 'JSON settings file (env RELEARN_CONFIG_FILE)')
    .option('--replication-factor <n>', 'replication factor of topics created now (-1: the broker default)', integerOption(-1, 32767), -1)
    .option('--json', 'print the changes as JSON', false)
    .addHelpText('after', '\nPartitions are never lowered: such a change is reported as refused and the command exits 1.')
    .action(async (flags: ApplyFlags) => {
      const settings = loadSettings({ env: context.env, file: flags.config });
      if (isEmbeddedMode(settings)) throw new ExitWith(EXIT.usage, 'topics apply needs a Kafka cluster: set KAFKA_BROKERS (with SCHEMA_REGISTRY_URL and MONGODB_URI)');
      const changes = await applyContractTopics(settings, { replicationFactor: flags.replicationFactor });
      if (flags.json) printJson(context.io, { changes });
      else {
        context.io.out(
          `${formatTable(
            ['TOPIC', 'ACTION', 'BEFORE', 'AFTER', 'REASON'],
            changes.map((change) => [change.topic, change.action, shown(change.before), shown(change.after), change.reason ?? '']),
          )}\n`,
        );
      }
      const refused = changes.filter((change) => change.action === 'refused');
      if (refused.length > 0) throw new ExitWith(EXIT.failure, `${refused.length} change(s) refused: ${refused.map((change) => change.topic).join(', ')}`);
    });
  return topics;
}
