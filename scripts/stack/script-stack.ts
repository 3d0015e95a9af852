import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { RunningStack, StackVariables } from './running-stack.js';

const STACK_SCRIPT = fileURLToPath(new URL('../stack.sh', import.meta.url));
const SERVERS = ['kafka', 'registry', 'mongo'] as const;

interface ScriptResult {
  readonly exitCode: number;
  readonly output: string;
}

export class StackScriptError extends Error {
  constructor(command: string, result: ScriptResult) {
    super(`\`bash scripts/stack.sh ${command}\` exited with ${result.exitCode}:\n${result.output.trimEnd()}`);
    this.name = 'StackScriptError';
  }
}

/**
 * Installs and starts the stack with scripts/stack.sh (Kafka, Apicurio Registry and
 * mongo-java-server on loopback). Servers that were already up are used and left running;
 * stop() ends only those this call started.
 */
export async function startScriptStack(): Promise<RunningStack> {
  const status = await runStackScript(['status'], { echo: false });
  const alreadyUp = new Set(SERVERS.filter((server) => new RegExp(`^${server} up\\b`, 'm').test(status.output)));
  const toStart = SERVERS.filter((server) => !alreadyUp.has(server));

  await runStackScriptOrThrow(['install']);
  if (toStart.length > 0) {
    try {
      await runStackScriptOrThrow(['start', ...toStart]);
    } catch (error) {
      // stack.sh stops what it launched when a server fails; this covers an interrupted start.
      await runStackScript(['stop', ...toStart], { echo: false });
      throw error;
    }
  }
  const variables = parseExports((await runStackScriptOrThrow(['env'], { echo: false })).output);

  return {
    variables,
    description:
      toStart.length === 0
        ? 'stack started earlier by scripts/stack.sh (left running)'
        : `scripts/stack.sh started ${toStart.join(', ')}${alreadyUp.size > 0 ? `; found ${[...alreadyUp].join(', ')} running` : ''}`,
    async stop() {
      if (toStart.length > 0) {
        await runStackScriptOrThrow(['stop', ...toStart]);
      }
    },
  };
}

async function runStackScriptOrThrow(args: string[], options: { echo: boolean } = { echo: true }): Promise<ScriptResult> {
  const result = await runStackScript(args, options);
  if (result.exitCode !== 0) {
    throw new StackScriptError(args.join(' '), result);
  }
  return result;
}

/** Runs stack.sh, collecting its output; with echo, its progress lines also go to stderr as they come. */
function runStackScript(args: string[], { echo }: { echo: boolean }): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [STACK_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer): void => {
      chunks.push(chunk);
      if (echo) {
        process.stderr.write(chunk);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ exitCode: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

function parseExports(output: string): StackVariables {
  const values = new Map<string, string>();
  for (const match of output.matchAll(/^export (\w+)=(.*)$/gm)) {
    values.set(match[1] ?? '', match[2] ?? '');
  }
  const get = (name: keyof StackVariables): string => {
    const value = values.get(name);
    if (!value) {
      throw new Error(`\`bash scripts/stack.sh env\` printed no ${name}:\n${output}`);
    }
    return value;
  };
  return { KAFKA_BROKERS: get('KAFKA_BROKERS'), SCHEMA_REGISTRY_URL: get('SCHEMA_REGISTRY_URL'), MONGODB_URI: get('MONGODB_URI') };
}
