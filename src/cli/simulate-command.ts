import { Command } from 'commander';
import { runEmbedded } from '../app/embedded-run.js';
import { DEFAULT_SIMULATION_OPTIONS, resolveSimulationOptions } from '../simulate/simulation-options.js';
import type { CliContext } from './cli-io.js';
import { formatRunReport } from './format-run-report.js';
import { fractionOption, integerOption } from './option-parsers.js';
import { progressLine } from './progress-line.js';

interface SimulateFlags {
  users: number;
  orgs: number;
  days: number;
  seed: number;
  invalidRate: number;
  drift: boolean;
  json: boolean;
  timing: boolean;
}

export function simulateCommand({ io }: CliContext): Command {
  return new Command('simulate')
    .description('run the whole loop embedded (in-memory bus and stores) on seeded synthetic data and print a summary')
    .option('--users <n>', 'simulated users', integerOption(0, 100_000), DEFAULT_SIMULATION_OPTIONS.users)
    .option('--orgs <n>', 'simulated organisations', integerOption(0, 10_000), DEFAULT_SIMULATION_OPTIONS.orgs)
    .option('--days <n>', 'simulated days', integerOption(1, 3_650), DEFAULT_SIMULATION_OPTIONS.days)
    .option('--seed <n>', 'random seed: same seed, same events, same summary', integerOption(0, 2 ** 31 - 1), DEFAULT_SIMULATION_OPTIONS.seed)
    .option('--invalid-rate <r>', 'share of malformed records mixed in, 0..1', fractionOption, DEFAULT_SIMULATION_OPTIONS.invalidRate)
    .option('--drift', 'shift category mix and add new merchants halfway through', false)
    .option('--json', 'print the report as one JSON object', false)
    .option('--timing', 'include wall time, peak RSS and training times in the JSON report', false)
    .action(async (flags: SimulateFlags) => {
      const simulation = resolveSimulationOptions({
        users: flags.users,
        orgs: flags.orgs,
        days: flags.days,
        seed: flags.seed,
        invalidRate: flags.invalidRate,
        drift: flags.drift,
      });
      const progress = progressLine('simulating', io);
      const result = await runEmbedded(simulation, { onProgress: progress.update });
      progress.finish();
      if (flags.json) {
        const output = flags.timing ? { ...result.report, timing: result.timing } : result.report;
        io.out(`${JSON.stringify(output, null, 2)}\n`);
      } else {
        io.out(`${formatRunReport(result)}\n`);
      }
    });
}
