// The scenarios share one results file; each script owns one marked section of it, so they
// can be re-run one at a time without losing the others' figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const HEADER = '# Learning-quality scenarios (issue 7)\n\nEach section is written by its own script; the command is in the section.\n';

export function writeResultsSection(file: string, name: string, body: string): void {
  const start = `<!-- section:${name} -->`;
  const end = `<!-- /section:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
