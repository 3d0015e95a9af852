import { InvalidArgumentError } from 'commander';
import { MODEL_KINDS, isModelKind, type ModelKind } from '../domain/model-kind.js';
import { isScope, type Scope } from '../domain/scope.js';
import { JOB_STATUSES, type JobStatus } from '../ports/job-queue.js';

/** Option parsers that say what was expected; commander prefixes the option's name. */
export function integerOption(minimum: number, maximum = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`expected an integer from ${minimum} to ${maximum}, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

export function fractionOption(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError(`expected a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** `user:<id>` or `org:<id>`, as the API names scopes. */
export function scopeOption(value: string): Scope {
  if (!isScope(value)) throw new InvalidArgumentError(`expected a scope user:<id> or org:<id>, got ${JSON.stringify(value)}`);
  return value;
}

export function kindOption(value: string): ModelKind {
  if (!isModelKind(value)) throw new InvalidArgumentError(`expected one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

export function jobStatusOption(value: string): JobStatus {
  if (!(JOB_STATUSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${JOB_STATUSES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as JobStatus;
}

export function httpUrlOption(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  return value;
}

export function nonEmptyOption(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a non-empty value');
  return value;
}

/** A calendar day, YYYY-MM-DD, read as midnight UTC. */
export function utcDateOption(value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const at = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return at;
}

/** A positive rate (per second), fractions allowed: 0.5 is one every two seconds. */
export function rateOption(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0 || parsed > 10_000_000) {
    throw new InvalidArgumentError(`expected a number of events per second above 0 (at most 10000000), got ${JSON.stringify(value)}`);
  }
  return parsed;
}
