import type { Logger } from 'pino';

/**
 * The parts of relearn that log. A closed list so dashboards and log queries can rely
 * on `component` values.
 */
export const LOG_COMPONENTS = [
  'ingest',
  'trainer',
  'training-worker',
  'relay',
  'decider',
  'analyst',
  'scheduler',
  'api',
  'kafka',
  'schema-registry',
  'mongodb',
  'shutdown',
  'cli',
] as const;

export type LogComponent = (typeof LOG_COMPONENTS)[number];

/**
 * Where a log line comes from, beyond the component: the same field names everywhere,
 * so "everything about user:42" or "everything on partition 3 of transactions.v1" is
 * one query.
 */
export interface LogContext {
  scope?: string;
  kind?: string;
  topic?: string;
  partition?: number;
  jobId?: string;
  groupId?: string;
}

/**
 * The logger of one component, optionally narrowed to a scope, topic, partition or job:
 * `componentLogger(root, 'ingest', { topic, partition })` once per partition batch,
 * `componentLogger(root, 'trainer', { jobId, scope, kind })` once per job. Children of
 * a component logger add context with `.child(context)` typed as LogContext via
 * `narrowLogger`.
 */
export function componentLogger(root: Logger, component: LogComponent, context: LogContext = {}): Logger {
  return root.child({ component, ...definedOnly(context) });
}

/** Adds context to a component logger (its component binding is kept). */
export function narrowLogger(logger: Logger, context: LogContext): Logger {
  return logger.child(definedOnly(context));
}

function definedOnly(context: LogContext): LogContext {
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}
