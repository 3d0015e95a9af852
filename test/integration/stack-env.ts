// Where the integration tests find the real stack. The global setup
// (test/integration/global-setup.ts) fills these variables before any test file runs, or
// leaves those the caller gave it; an integration test that finds them missing must fail,
// never skip, so a CI run without a stack cannot pass by testing nothing.

export const STACK_ENV_VARIABLES = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'MONGODB_URI'] as const;

export type StackEnvVariable = (typeof STACK_ENV_VARIABLES)[number];

export interface StackEnv {
  /** host:port of each broker, from the comma-separated KAFKA_BROKERS. */
  readonly kafkaBrokers: string[];
  /** Base URL of a Confluent-compatible schema registry API. */
  readonly schemaRegistryUrl: string;
  readonly mongodbUri: string;
}

export class StackEnvMissingError extends Error {
  constructor(readonly missing: readonly StackEnvVariable[]) {
    super(
      `The real test stack is not configured: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. ` +
        'Run the integration tests through vitest, whose global setup (test/integration/global-setup.ts) starts the stack, ' +
        'or start it yourself with `bash scripts/stack.sh start` and `eval "$(bash scripts/stack.sh env)"`.',
    );
    this.name = 'StackEnvMissingError';
  }
}

/** Reads the three variables from `env`; undefined when any of them is missing or empty. */
export function readStackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv | undefined {
  const brokers = env.KAFKA_BROKERS?.trim();
  const schemaRegistryUrl = env.SCHEMA_REGISTRY_URL?.trim();
  const mongodbUri = env.MONGODB_URI?.trim();
  const kafkaBrokers = (brokers ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (kafkaBrokers.length === 0 || !schemaRegistryUrl || !mongodbUri) {
    return undefined;
  }
  return Object.freeze({
    kafkaBrokers,
    schemaRegistryUrl: schemaRegistryUrl.replace(/\/+$/, ''),
    mongodbUri,
  });
}

/** The stack the integration tests run against; throws StackEnvMissingError when there is none. */
export function stackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv {
  const stack = readStackEnv(env);
  if (stack === undefined) {
    throw new StackEnvMissingError(STACK_ENV_VARIABLES.filter((name) => !env[name]?.replaceAll(',', '').trim()));
  }
  return stack;
}

/** The variables for a stack, as the global setup publishes them to test workers and child processes. */
export function toEnvVariables(stack: StackEnv): Record<StackEnvVariable, string> {
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    MONGODB_URI: stack.mongodbUri,
  };
}
