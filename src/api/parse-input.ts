import type { z } from 'zod';
import { ApiError } from './api-error.js';

export type InputLocation = 'path' | 'query' | 'body';

const UNKNOWN_KEY_NOUN: Readonly<Record<InputLocation, string>> = {
  path: 'path parameter',
  query: 'query parameter',
  body: 'body field',
};

function fieldOf(location: InputLocation, path: readonly PropertyKey[]): string {
  return path.length === 0 ? location : path.map(String).join('.');
}

function describeIssue(location: InputLocation, issue: z.core.$ZodIssue): { field: string; message: string } {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const field = fieldOf(location, [...issue.path, key]);
    return { field, message: `${field}: unknown ${UNKNOWN_KEY_NOUN[location]}` };
  }
  const field = fieldOf(location, issue.path);
  return { field, message: `${field}: ${issue.message}` };
}

/**
 * Validates one part of a request. The 400 names the first bad field in `field` and
 * lists every problem in the message, so a client fixes them all in one go.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, location: InputLocation, under: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => describeIssue(location, { ...issue, path: [...under, ...issue.path] }));
  throw new ApiError('invalid-input', issues.map((issue) => issue.message).join('; '), issues[0]?.field ?? location);
}
