import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/exit-codes.js';

const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');

describe('docs/cli.md', () => {
  it.each(['simulate', 'start', 'topics', 'schemas', 'config', 'produce', 'status', 'history', 'models', 'jobs', 'train'])('has a section with an example for relearn %s', (command) => {
    const heading = new RegExp(`^## relearn ${command}\\b.*$`, 'm').exec(doc);
    expect(heading, `no "## relearn ${command}" section`).not.toBeNull();
    const section = doc.slice(heading?.index ?? 0).split(/^## /m)[1] ?? '';
    expect(section).toContain(`$ `);
    expect(section).toMatch(new RegExp(`relearn ${command}\\b`));
  });

  it.each(Object.entries(EXIT))('documents exit code %s (%i)', (_name, code) => {
    expect(doc).toMatch(new RegExp(`^\\| ${code} \\| .+\\|$`, 'm'));
  });

  it('documents every subcommand of models and jobs', () => {
    for (const subcommand of ['models list', 'models show', 'models rollback', 'jobs list', 'jobs show', 'jobs retry', 'jobs cancel']) expect(doc).toContain(`relearn ${subcommand}`);
  });
});
