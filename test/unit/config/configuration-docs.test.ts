import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingLeaves } from '../../../src/config/setting.js';
import { SETTINGS } from '../../../src/config/settings-schema.js';

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

/** How the table writes a default: unset, empty, or the value as in the environment. */
function documentedDefault(value: unknown): string {
  if (value === null) return 'unset';
  if (value === '' || (Array.isArray(value) && value.length === 0)) return 'empty';
  if (Array.isArray(value)) return `\`${value.join(',')}\``;
  if (typeof value === 'object') return `\`${JSON.stringify(value)}\``;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return `\`${value}\``;
  throw new Error(`no documented form for ${typeof value}`);
}

describe('docs/configuration.md', () => {
  it.each(settingLeaves(SETTINGS).map(({ path, setting }) => [setting.env, path, setting.default] as const))('documents %s (%s) with its default', (env, path, value) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${env}\` |`));
    expect(row, `no table row for ${env}`).toBeDefined();
    const cells = (row ?? '').split(' | ');
    expect(cells[1]).toBe(`\`${path}\``);
    expect(cells[2]?.startsWith(documentedDefault(value))).toBe(true);
  });

  it('documents no variable that does not exist', () => {
    const known = new Set(settingLeaves(SETTINGS).map(({ setting }) => setting.env));
    const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(documented.filter((name) => !known.has(name ?? ''))).toEqual([]);
  });
});
