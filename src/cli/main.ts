#!/usr/bin/env node
import { connectProduceTransport } from '../app/composition-root.js';
import { processContext } from './cli-io.js';
import { configCommand } from './config-command.js';
import { historyCommand } from './history-command.js';
import { jobsCommand } from './jobs-command.js';
import { modelsCommand } from './models-command.js';
import { produceCommand } from './produce-command.js';
import { runCli } from './run-cli.js';
import { schemasCommand } from './schemas-command.js';
import { simulateCommand } from './simulate-command.js';
import { startCommand } from './start-command.js';
import { statusCommand } from './status-command.js';
import { topicsCommand } from './topics-command.js';
import { trainCommand } from './train-command.js';

const context = processContext();

const commands = [
  simulateCommand(context),
  // ── The service and its stack. ──
  startCommand(context),
  topicsCommand(context),
  schemasCommand(context),
  // ── Local commands. ──
  configCommand(context),
  produceCommand(context, connectProduceTransport),
  // ── Clients of a running service's HTTP API. ──
  statusCommand(context),
  historyCommand(context),
  modelsCommand(context),
  jobsCommand(context),
  trainCommand(context),
];

process.exitCode = await runCli(process.argv.slice(2), commands, context.io);
