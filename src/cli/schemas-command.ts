import { Command } from 'commander';
import { registerContractSchemas } from '../app/composition-root.js';
import { loadSettings } from '../config/load-settings.js';
import type { CliContext } from './cli-io.js';
import { EXIT, ExitWith } from './exit-codes.js';
import { formatTable } from './format-table.js';
import { printJson } from './print-json.js';

interface RegisterFlags {
  config?: string;
  json: boolean;
}

export function schemasCommand(context: CliContext): Command {
  const schemas = new Command('schemas').description("manage relearn's Avro schemas in the schema registry (schemas/)");
  schemas
    .command('register')
    .description('register every schema under <topic>-value with BACKWARD compatibility and print the ids')
    .option('--config <file>', 'JSON settings file (env RELEARN_CONFIG_FILE)')
    .option('--json', 'print the registered ids as JSON', false)
    .addHelpText('after', '\nAn incompatible change is refused by the registry (HTTP 409): the command prints its reason and exits 1.')
    .action(async (flags: RegisterFlags) => {
      const settings = loadSettings({ env: context.env, file: flags.config });
      if (settings.schemaRegistry.url === null) throw new ExitWith(EXIT.usage, 'schemas register needs a registry: set SCHEMA_REGISTRY_URL');
      const registered = await registerContractSchemas(settings);
      if (flags.json) printJson(context.io, { schemas: registered });
      else context.io.out(`${formatTable(['SUBJECT', 'ID'], registered.map((entry) => [entry.subject, String(entry.id)]))}\n`);
    });
  return schemas;
}
