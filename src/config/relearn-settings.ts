import type { RelearnConfig } from './relearn-config.js';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export const SERVICE_ROLES = ['ingest', 'trainer', 'api'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export const TOKEN_ACCESS = ['read', 'read-write'] as const;
export type TokenAccess = (typeof TOKEN_ACCESS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ApiToken {
  token: string;
  access: TokenAccess;
}

/**
 * Everything a relearn process is told at start-up: parsed once by loadSettings from
 * the environment and an optional JSON file, then deep-frozen. With no Kafka brokers
 * the process runs embedded (in-memory bus and stores); with brokers, the schema
 * registry and MongoDB are required too.
 */
export interface RelearnSettings {
  kafka: {
    /** Empty: embedded mode. */
    brokers: string[];
    clientId: string;
    ssl: boolean;
    sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
  };
  schemaRegistry: { url: string | null; username: string | null; password: string | null };
  mongodb: { uri: string | null; database: string };
  api: { host: string; port: number; tokens: ApiToken[] };
  roles: ServiceRole[];
  shutdownTimeoutMs: number;
  log: { level: LogLevel };
  core: RelearnConfig;
}

/** Embedded when no Kafka brokers are configured (loadSettings guarantees the rest of the real stack is absent too). */
export function isEmbeddedMode(settings: RelearnSettings): boolean {
  return settings.kafka.brokers.length === 0;
}
