import { pino, type DestinationStream, type Logger } from 'pino';
import type { RelearnSettings } from '../config/relearn-settings.js';

export type { Logger } from 'pino';

/**
 * Field names whose values never reach a log line, wherever they sit in a logged
 * object (one level deep) or in an HTTP request's headers.
 */
export const REDACTED_PATHS: readonly string[] = [
  'password',
  'token',
  'tokens',
  'authorization',
  '*.password',
  '*.token',
  '*.tokens',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * The process's root logger: JSON lines on stderr (stdout belongs to command output),
 * level as a word, ISO time, secrets redacted. Roles log through componentLogger
 * children, never through the root directly. `destination` is for tests.
 */
export function createLogger(log: RelearnSettings['log'], destination: DestinationStream = pino.destination({ dest: 2, sync: false })): Logger {
  return pino(
    {
      name: 'relearn',
      level: log.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: '****' },
    },
    destination,
  );
}
