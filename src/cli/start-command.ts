import { Command, InvalidArgumentError } from 'commander';
import { connectServicePorts } from '../app/composition-root.js';
import { embeddedDemoPorts } from '../app/embedded-run.js';
import { loadSettings } from '../config/load-settings.js';
import { isEmbeddedMode, SERVICE_ROLES, type ServiceRole } from '../config/relearn-settings.js';
import { createLogger } from '../logging/create-logger.js';
import { resolveSimulationOptions } from '../simulate/simulation-options.js';
import type { CliContext } from './cli-io.js';
import { EXIT, ExitWith } from './exit-codes.js';
import { startServiceProcess, type RunningServiceProcess } from './service-process.js';

interface StartFlags {
  roles?: ServiceRole[];
  config?: string;
  demo: boolean;
}

export function rolesOption(value: string): ServiceRole[] {
  const roles = value.split(',').map((role) => role.trim());
  const unknown = roles.filter((role) => !(SERVICE_ROLES as readonly string[]).includes(role));
  if (roles.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${SERVICE_ROLES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return [...new Set(roles as ServiceRole[])];
}

/** Resolves on the first SIGTERM or SIGINT. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

export function startCommand(context: CliContext, signal: () => Promise<NodeJS.Signals> = shutdownSignal): Command {
  return new Command('start')
    .description('run the service: the given roles against Kafka, the schema registry and MongoDB (embedded, in memory, when KAFKA_BROKERS is unset)')
    .option('--roles <list>', `comma-separated roles among ${SERVICE_ROLES.join(', ')} (env RELEARN_ROLES; default all)`, rolesOption)
    .option('--config <file>', 'JSON settings file (env RELEARN_CONFIG_FILE); the environment overrides it')
    .option('--demo', 'embedded mode only: first run a short simulation so the API and dashboard have data', false)
    .addHelpText('after', '\nStops gracefully on SIGTERM or SIGINT within RELEARN_SHUTDOWN_TIMEOUT_MS (exit 0), else exits 1.')
    .action(async (flags: StartFlags) => {
      const settings = loadSettings({ env: context.env, file: flags.config });
      const roles = flags.roles ?? settings.roles;
      if (flags.demo && !isEmbeddedMode(settings)) throw new ExitWith(EXIT.usage, '--demo runs only in embedded mode (KAFKA_BROKERS unset)');
      const logger = createLogger(settings.log);
      const ports = flags.demo ? await embeddedDemoPorts(settings, resolveSimulationOptions({ users: 20, orgs: 3, days: 90 })) : await connectServicePorts(settings, logger);
      let running: RunningServiceProcess;
      try {
        running = await startServiceProcess(settings, ports, roles, logger);
      } catch (error) {
        await ports.close();
        throw error;
      }
      context.io.err(`relearn: ${isEmbeddedMode(settings) ? 'embedded' : 'real'} mode, roles ${roles.join(',')}${running.apiUrl === null ? '' : `, API and dashboard at ${running.apiUrl}`}\n`);

      const received = await signal();
      logger.info({ component: 'shutdown', signal: received, timeoutMs: settings.shutdownTimeoutMs }, 'stopping');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), settings.shutdownTimeoutMs);
      });
      const outcome = await Promise.race([running.stop().then(() => 'stopped' as const), deadline]);
      clearTimeout(timer);
      // The log goes out asynchronously: let the last lines reach stderr before the process ends.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      if (outcome === 'late') {
        context.io.err(`relearn: shutdown took longer than ${settings.shutdownTimeoutMs} ms; exiting with work unfinished (uncommitted records are redelivered)\n`);
        // Setting an exit code is not enough: the unfinished work (consumers, timers, sockets) would keep the process running and deciding.
        process.exit(EXIT.failure);
      }
    });
}
