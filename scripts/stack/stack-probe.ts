import { connect } from 'node:net';

import type { StackVariables } from './running-stack.js';

const PROBE_TIMEOUT_MS = 5_000;

/**
 * Checks that a stack given through the environment answers at all, so that a wrong or dead
 * address fails the run at once with its name instead of as a timeout in every test.
 * Returns the problems found, empty when every server answered.
 */
export async function probeStack(variables: StackVariables): Promise<string[]> {
  const checks: Promise<string | undefined>[] = [
    ...variables.KAFKA_BROKERS.split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0)
      .map((broker) => probeTcp('KAFKA_BROKERS', broker)),
    probeRegistry(variables.SCHEMA_REGISTRY_URL),
    ...mongoHosts(variables.MONGODB_URI).map((host) => probeTcp('MONGODB_URI', host)),
  ];
  return (await Promise.all(checks)).filter((problem): problem is string => problem !== undefined);
}

function probeTcp(variable: string, hostAndPort: string): Promise<string | undefined> {
  const separator = hostAndPort.lastIndexOf(':');
  const host = separator > 0 ? hostAndPort.slice(0, separator).replace(/^\[|\]$/g, '') : hostAndPort;
  const port = separator > 0 ? Number(hostAndPort.slice(separator + 1)) : Number.NaN;
  if (!Number.isInteger(port)) {
    return Promise.resolve(`${variable}: '${hostAndPort}' is not host:port`);
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: PROBE_TIMEOUT_MS });
    const finish = (problem: string | undefined): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.once('connect', () => finish(undefined));
    socket.once('timeout', () => finish(`${variable}: ${hostAndPort} did not accept a connection within ${PROBE_TIMEOUT_MS} ms`));
    socket.once('error', (error) => finish(`${variable}: ${hostAndPort} refused: ${error.message}`));
  });
}

async function probeRegistry(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/subjects`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok ? undefined : `SCHEMA_REGISTRY_URL: GET ${url}/subjects answered ${response.status}`;
  } catch (error) {
    return `SCHEMA_REGISTRY_URL: GET ${url}/subjects failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** host:port pairs of a mongodb:// URI; none for mongodb+srv://, whose hosts come from DNS. */
function mongoHosts(uri: string): string[] {
  const match = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  if (match?.[1] === undefined) {
    return [];
  }
  return match[1].split(',').map((host) => (/:\d+$/.test(host) ? host : `${host}:27017`));
}
