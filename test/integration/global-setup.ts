// Vitest global setup of the integration tests: brings up the real stack (Kafka, a
// Confluent-compatible schema registry, a MongoDB-protocol server) once per run and hands
// its addresses to the tests through KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI.
//
// Where the stack comes from, first match wins:
//   1. the three variables are already set: that running stack is used, and left alone;
//   2. a Docker engine answers (`docker info`): testcontainers starts the images;
//   3. otherwise scripts/stack.sh installs and starts the servers on loopback.
// RELEARN_TEST_STACK=env|containers|scripts forces one of them. When no stack can be had,
// setup throws (with the server's log tail), so the run fails instead of skipping tests.
import { execFile } from 'node:child_process';

import type { RunningStack, StackVariables } from '../../scripts/stack/running-stack.js';
import { startScriptStack } from '../../scripts/stack/script-stack.js';
import { probeStack } from '../../scripts/stack/stack-probe.js';
import { STACK_ENV_VARIABLES, readStackEnv, toEnvVariables } from './stack-env.js';

type StackSource = 'env' | 'containers' | 'scripts';

const STACK_SOURCES: readonly StackSource[] = ['env', 'containers', 'scripts'];

export default async function setup(): Promise<() => Promise<void>> {
  const stack = await bringUpStack(await chooseSource());
  // Workers (forked after global setup) and any process a test spawns inherit these.
  Object.assign(process.env, stack.variables);
  console.log(`[stack] ${stack.description}: ${STACK_ENV_VARIABLES.map((name) => `${name}=${stack.variables[name]}`).join(' ')}`);
  return () => stack.stop();
}

async function chooseSource(): Promise<StackSource> {
  const forced = process.env.RELEARN_TEST_STACK?.trim();
  if (forced) {
    if (!(STACK_SOURCES as readonly string[]).includes(forced)) {
      throw new Error(`RELEARN_TEST_STACK='${forced}': expected one of ${STACK_SOURCES.join(', ')}`);
    }
    return forced as StackSource;
  }
  if (readStackEnv() !== undefined) {
    return 'env';
  }
  return (await dockerAnswers()) ? 'containers' : 'scripts';
}

async function bringUpStack(source: StackSource): Promise<RunningStack> {
  switch (source) {
    case 'env':
      return useGivenStack();
    case 'containers': {
      // Loaded only here: testcontainers pulls in a Docker client the other paths never need.
      const { startContainerStack } = await import('../../scripts/stack/container-stack.js');
      return startContainerStack();
    }
    case 'scripts':
      return startScriptStack();
  }
}

async function useGivenStack(): Promise<RunningStack> {
  const given = readStackEnv();
  if (given === undefined) {
    const missing = STACK_ENV_VARIABLES.filter((name) => !process.env[name]?.trim());
    throw new Error(`RELEARN_TEST_STACK=env, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`);
  }
  const variables: StackVariables = toEnvVariables(given);
  const problems = await probeStack(variables);
  if (problems.length > 0) {
    throw new Error(`The stack given through the environment does not answer:\n${problems.join('\n')}`);
  }
  return {
    variables,
    description: 'stack given through the environment (left running)',
    stop: () => Promise.resolve(),
  };
}

function dockerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info'], { timeout: 15_000 }, (error) => resolve(error === null));
  });
}
