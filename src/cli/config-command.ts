import { Command } from 'commander';
import { resolveSettings, type ResolvedSetting } from '../config/load-settings.js';
import { maskSettings } from '../config/mask-settings.js';
import { isEmbeddedMode } from '../config/relearn-settings.js';
import type { CliContext } from './cli-io.js';
import { formatDuration, formatTable } from './format-table.js';

interface ConfigFlags {
  config?: string;
  json: boolean;
  changed: boolean;
}

function shownValue(entry: ResolvedSetting): string {
  const { value } = entry;
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' && entry.path.endsWith('Ms')) return `${value} (${formatDuration(value)})`;
  return JSON.stringify(value);
}

export function configCommand(context: CliContext): Command {
  return new Command('config')
    .description('print the effective configuration (defaults, then the JSON file, then the environment), secrets masked')
    .option('--config <file>', 'JSON settings file (env RELEARN_CONFIG_FILE); the environment overrides it')
    .option('--changed', 'only the settings that differ from their defaults', false)
    .option('--json', 'print the settings object as JSON, for scripts', false)
    .addHelpText('after', '\nEvery variable, its default and meaning: docs/configuration.md. A bad value exits 2 naming the variable.')
    .action((flags: ConfigFlags) => {
      const { settings, resolved, file } = resolveSettings({ env: context.env, file: flags.config });
      if (flags.json) {
        context.io.out(`${JSON.stringify(maskSettings(settings), null, 2)}\n`);
        return;
      }
      const shown = flags.changed ? resolved.filter((entry) => entry.source !== 'default') : resolved;
      const mode = isEmbeddedMode(settings) ? 'embedded (no KAFKA_BROKERS: in-memory bus and stores)' : `real (Kafka ${settings.kafka.brokers.join(',')})`;
      context.io.out(`relearn configuration\n  mode ${mode}\n  file ${file ?? 'none'}\n\n`);
      if (shown.length === 0) return context.io.out('every setting has its default value\n');
      context.io.out(`${formatTable(['SETTING', 'VARIABLE', 'VALUE', 'SOURCE'], shown.map((entry) => [entry.path, entry.env, shownValue(entry), entry.source]))}\n`);
    });
}
