import { z } from 'zod';
import type { SecretKind, Setting } from './setting.js';

interface Described<T> {
  env: string;
  description: string;
  default: T;
  secret?: SecretKind;
}

export function defineSetting<T>(spec: Described<T> & { schema: z.ZodType<T>; expected: string; fromEnv?: (text: string) => unknown }): Setting<T> {
  return Object.freeze({
    kind: 'setting',
    env: spec.env,
    schema: spec.schema,
    default: spec.default,
    fromEnv: spec.fromEnv ?? ((text: string) => text),
    expected: spec.expected,
    description: spec.description,
    secret: spec.secret ?? 'no',
  });
}

function readInteger(text: string): unknown {
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

function readNumber(text: string): unknown {
  const parsed = Number(text);
  return text !== '' && Number.isFinite(parsed) ? parsed : text;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90000`, `90s`, `15m`, `2h`, `7d`: operators think in hours and days, the service counts milliseconds. */
export function readDuration(text: string): unknown {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text);
  if (match === null) return text;
  return Number(match[1]) * (DURATION_UNITS[match[2] ?? 'ms'] ?? 1);
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

function readBoolean(text: string): unknown {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return text;
}

/** Comma-separated, blanks around items ignored. */
export function readList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function integerSetting(spec: Described<number> & { min: number; max?: number }): Setting<number> {
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  return defineSetting({
    ...spec,
    schema: z.int().min(spec.min).max(max),
    expected: spec.max === undefined ? `an integer >= ${spec.min}` : `an integer from ${spec.min} to ${max}`,
    fromEnv: readInteger,
  });
}

export function optionalIntegerSetting(spec: Described<number | null> & { min: number; max?: number }): Setting<number | null> {
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  return defineSetting({
    ...spec,
    schema: z.int().min(spec.min).max(max).nullable(),
    expected: `${spec.max === undefined ? `an integer >= ${spec.min}` : `an integer from ${spec.min} to ${max}`}, or null for none`,
    fromEnv: readInteger,
  });
}

/** Milliseconds in the file; the environment also takes a unit suffix (ms, s, m, h, d). */
export function durationSetting(spec: Described<number> & { min?: number }): Setting<number> {
  const min = spec.min ?? 0;
  return defineSetting({
    ...spec,
    schema: z.int().min(min).max(Number.MAX_SAFE_INTEGER),
    expected: `a duration of at least ${min} ms: milliseconds, or a whole number with a unit (ms, s, m, h, d) such as 30s or 7d`,
    fromEnv: readDuration,
  });
}

export function fractionSetting(spec: Described<number> & { min?: number; max?: number }): Setting<number> {
  const min = spec.min ?? 0;
  const max = spec.max ?? 1;
  return defineSetting({ ...spec, schema: z.number().min(min).max(max), expected: `a number from ${min} to ${max}`, fromEnv: readNumber });
}

export function booleanSetting(spec: Described<boolean>): Setting<boolean> {
  return defineSetting({ ...spec, schema: z.boolean(), expected: 'true or false (also 1/0, yes/no, on/off)', fromEnv: readBoolean });
}

export function textSetting(spec: Described<string> & { pattern?: RegExp; expected?: string }): Setting<string> {
  const schema = spec.pattern === undefined ? z.string().min(1) : z.string().regex(spec.pattern);
  return defineSetting({ ...spec, schema, expected: spec.expected ?? 'a non-empty string' });
}

export function optionalTextSetting(spec: Described<string | null> & { schema?: z.ZodType<string>; expected?: string }): Setting<string | null> {
  return defineSetting({ ...spec, schema: (spec.schema ?? z.string().min(1)).nullable(), expected: spec.expected ?? 'a non-empty string' });
}

export function choiceSetting<T extends string>(spec: Described<T> & { choices: readonly [T, ...T[]] }): Setting<T> {
  return defineSetting({ ...spec, schema: z.enum(spec.choices), expected: `one of ${spec.choices.join(', ')}` });
}

export function optionalChoiceSetting<T extends string>(spec: Described<T | null> & { choices: readonly [T, ...T[]] }): Setting<T | null> {
  return defineSetting({ ...spec, schema: z.enum(spec.choices).nullable(), expected: `one of ${spec.choices.join(', ')}` });
}

/** A list: a JSON array in the file, comma-separated in the environment. */
export function listSetting<T>(
  spec: Described<T[]> & { item: z.ZodType<T>; expected: string; minItems?: number; readItem?: (text: string) => unknown },
): Setting<T[]> {
  const readItem = spec.readItem ?? ((text: string) => text);
  const schema = z
    .array(spec.item)
    .min(spec.minItems ?? 0)
    .refine((items) => new Set(items.map((item) => JSON.stringify(item))).size === items.length, 'duplicate items');
  return defineSetting({ ...spec, schema, fromEnv: (text) => readList(text).map(readItem) });
}

/** A structured value: an object in the file, JSON text in the environment. */
export function jsonSetting<T>(spec: Described<T> & { schema: z.ZodType<T>; expected: string }): Setting<T> {
  return defineSetting({ ...spec, fromEnv: readJson });
}
