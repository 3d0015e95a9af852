import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where relearn's real stack answers: the three variables `scripts/stack.sh env` prints. */
export interface StackEndpoints {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  mongodbUri: string;
}

export interface TestStack {
  endpoints: StackEndpoints;
  /** True when this run started the stack (and so must stop it). */
  startedHere: boolean;
  /** Pids of the Kafka and MongoDB server processes, null when not read (--no-server-cpu). */
  pids: { kafka: number; mongo: number } | null;
  stop(): Promise<void>;
}

const VARIABLES = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'MONGODB_URI'] as const;

function endpointsFrom(env: Record<string, string | undefined>): StackEndpoints {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()).filter((broker) => broker.length > 0);
  const url = env.SCHEMA_REGISTRY_URL?.trim() ?? '';
  const uri = env.MONGODB_URI?.trim() ?? '';
  if (brokers.length === 0 || url === '' || uri === '') throw new Error(`the stack's endpoints are incomplete: ${VARIABLES.join(', ')} must all be set`);
  return { kafkaBrokers: brokers, schemaRegistryUrl: url, mongodbUri: uri };
}

/** `export NAME=value` lines, as `scripts/stack.sh env` prints them. */
function parseExports(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

/**
 * The pid scripts/stack.sh recorded for `server` in $STACK_DIR/run/<server>.pid, checked
 * against the marker the script puts on the server's java command line.
 */
function serverPid(stackDir: string, server: 'kafka' | 'mongo'): number {
  const file = join(stackDir, 'run', `${server}.pid`);
  if (!existsSync(file)) throw new Error(`no ${file}: cannot read the ${server} server's CPU (set STACK_DIR to the stack's folder, or pass --no-server-cpu)`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} holds no pid`);
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    throw new Error(`the ${server} server's pid ${pid} (${file}) is not running`);
  }
  if (!commandLine.includes(`-Drelearn.stack.server=${server}@`)) throw new Error(`pid ${pid} in ${file} is not the ${server} server scripts/stack.sh started`);
  return pid;
}

async function stackScript(root: string, command: string, log: (line: string) => void): Promise<string> {
  const started = performance.now();
  try {
    const { stdout } = await run('bash', [join(root, 'scripts/stack.sh'), command], { env: process.env, maxBuffer: 16 * 1024 * 1024 });
    log(`scripts/stack.sh ${command}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`scripts/stack.sh ${command} failed (exit ${String((error as { code?: unknown }).code)}):\n${stderr.trim().split('\n').slice(-30).join('\n')}`);
  }
}

/**
 * The stack the run measures against: the one the three variables name, or one started
 * here with scripts/stack.sh (its STACK_DIR from the environment) and stopped by stop().
 */
export async function openTestStack(root: string, options: { serverCpu: boolean }, log: (line: string) => void): Promise<TestStack> {
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const given = VARIABLES.filter((name) => (process.env[name] ?? '').trim() !== '');
  let endpoints: StackEndpoints;
  let startedHere = false;
  if (given.length === VARIABLES.length) {
    endpoints = endpointsFrom(process.env);
    log(`using the running stack named by ${VARIABLES.join(', ')}`);
  } else {
    if (given.length > 0) throw new Error(`only ${given.join(', ')} set: set all of ${VARIABLES.join(', ')} to use a running stack, or none to start one`);
    log(`starting the stack with scripts/stack.sh (STACK_DIR=${stackDir})`);
    startedHere = true;
    try {
      await stackScript(root, 'start', log);
      endpoints = endpointsFrom(parseExports(await stackScript(root, 'env', log)));
    } catch (error) {
      await stackScript(root, 'stop', log).catch((stopError: unknown) => log(`stopping after a failed start also failed: ${String(stopError)}`));
      throw error;
    }
  }
  let pids: TestStack['pids'] = null;
  try {
    if (options.serverCpu) pids = { kafka: serverPid(stackDir, 'kafka'), mongo: serverPid(stackDir, 'mongo') };
  } catch (error) {
    if (startedHere) await stackScript(root, 'stop', log);
    throw error;
  }
  return {
    endpoints,
    startedHere,
    pids,
    stop: async () => {
      if (startedHere) await stackScript(root, 'stop', log);
    },
  };
}
