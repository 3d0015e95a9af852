import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import type { OpenApiDocument, OpenApiOperation } from '../../../src/api/openapi-document.js';
import { dashboardAssets } from '../../../src/dashboard/dashboard-assets.js';
import { apiOverPorts, type ApiFixture } from '../api/api-fixture.js';

/**
 * docs/api.md against the OpenAPI document the real server builder serves: every
 * operation has a section headed `METHOD path` (spelled as the document spells the
 * path) with its access, parameters, answers and a runnable curl example, and the page
 * documents no operation the server does not have. A route added without docs fails here.
 */

const API_DOC_PATH = new URL('../../../docs/api.md', import.meta.url);

const ACCESS_WORDS: Readonly<Record<OpenApiOperation['x-access'], string>> = { public: 'none', read: 'read', write: 'read-write' };

interface Section {
  heading: string;
  level: number;
  /** Lines under the heading up to the next heading of the same or a higher level. */
  lines: string[];
}

interface CodeBlock {
  language: string;
  lines: string[];
}

interface DocumentedOperation {
  method: string;
  path: string;
  operation: OpenApiOperation;
}

/** Headings outside code fences (Prometheus `# HELP` lines inside a fence are not headings). */
function sectionsOf(markdown: string): Section[] {
  const lines = markdown.split('\n');
  const headings: { index: number; level: number; text: string }[] = [];
  let inFence = false;
  lines.forEach((line, index) => {
    if (line.startsWith('```')) inFence = !inFence;
    const match = inFence ? null : /^(#{1,6}) +(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) headings.push({ index, level: match[1].length, text: match[2].trim() });
  });
  return headings.map((heading, position) => {
    const next = headings.slice(position + 1).find((candidate) => candidate.level <= heading.level);
    return { heading: heading.text.replaceAll('`', ''), level: heading.level, lines: lines.slice(heading.index + 1, next?.index ?? lines.length) };
  });
}

function codeBlocksOf(lines: readonly string[]): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let open: CodeBlock | undefined;
  for (const line of lines) {
    if (line.startsWith('```')) {
      if (open === undefined) open = { language: line.slice(3).trim(), lines: [] };
      else {
        blocks.push(open);
        open = undefined;
      }
    } else open?.lines.push(line);
  }
  return blocks;
}

/** Shell commands of a block, with backslash-continued lines joined. */
function commandsOf(block: CodeBlock): string[] {
  return block.lines
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when a curl command calls this method on this path (path parameters filled in). */
function curlCalls(command: string, method: string, path: string): boolean {
  if (!/\bcurl\b/.test(command)) return false;
  const pathPattern = escapeRegExp(path).replace(/\\\{[^}]+\\\}/g, '[^/?"\'\\s]+');
  if (!new RegExp(`\\$API${pathPattern}(?:[?"'\\s]|$)`).test(command)) return false;
  const posts = /(?:-X|--request) +POST\b|(?:^|\s)(?:-d|--data(?:-raw|-binary)?)\b/.test(command);
  return method === 'POST' ? posts : !posts;
}

/** The paragraph after a bold label such as `**Answers:**`, up to the next blank line. */
function paragraphAfter(lines: readonly string[], label: string): string | undefined {
  const start = lines.findIndex((line) => line.includes(label));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && line.trim() === '');
  const text = lines.slice(start, end < 0 ? lines.length : end).join(' ');
  return text.slice(text.indexOf(label) + label.length);
}

function bodyFieldNames(operation: OpenApiOperation, document: OpenApiDocument): string[] {
  let schema = operation.requestBody?.content['application/json'].schema;
  const reference = schema?.$ref;
  if (typeof reference === 'string') schema = document.components.schemas[reference.replace('#/components/schemas/', '')];
  const properties = schema?.properties;
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
}

function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

const OPERATION_HEADING = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*)$/;

/** Every way docs/api.md falls short of the document, one line each; empty when it is complete. */
function apiDocProblems(markdown: string, document: OpenApiDocument): string[] {
  const problems: string[] = [];
  const sections = sectionsOf(markdown);
  const operations = operationsOf(document);
  for (const { method, path, operation } of operations) {
    const name = `${method} ${path}`;
    const matching = sections.filter((section) => section.heading === name);
    if (matching.length !== 1) {
      problems.push(`${name} (${operation.operationId}): ${matching.length === 0 ? 'no section headed' : `${matching.length} sections headed`} "${name}"`);
      continue;
    }
    const section = matching[0] as Section;
    const commands = codeBlocksOf(section.lines)
      .filter((block) => block.language === 'sh')
      .flatMap(commandsOf);
    if (!commands.some((command) => curlCalls(command, method, path))) problems.push(`${name}: no \`\`\`sh block with a curl ${method} of $API${path}`);
    const access = paragraphAfter(section.lines, '**Access:**');
    const expectedAccess = ACCESS_WORDS[operation['x-access']];
    if (access === undefined || !new RegExp(`^\\s*${escapeRegExp(expectedAccess)}\\b(?!-)`).test(access)) {
      problems.push(`${name}: expected "**Access:** ${expectedAccess}", found ${access === undefined ? 'none' : JSON.stringify(access.trim().slice(0, 40))}`);
    }
    const answers = paragraphAfter(section.lines, '**Answers:**');
    for (const status of Object.keys(operation.responses)) {
      if (answers === undefined || !new RegExp(`\\b${status}\\b`).test(answers)) problems.push(`${name}: answer ${status} is not listed after **Answers:**`);
    }
    const text = section.lines.join('\n');
    const names = [...operation.parameters.map((parameter) => parameter.name), ...bodyFieldNames(operation, document)];
    for (const parameter of names) {
      if (!text.includes(`\`${parameter}\``)) problems.push(`${name}: parameter \`${parameter}\` is not named`);
    }
  }
  const known = new Set(operations.map(({ method, path }) => `${method} ${path}`));
  for (const section of sections) {
    if (OPERATION_HEADING.test(section.heading) && !known.has(section.heading)) problems.push(`${section.heading}: documented, but the server has no such operation`);
  }
  return problems;
}

let api: ApiFixture;
let document: OpenApiDocument;
let markdown: string;

beforeAll(async () => {
  const config = defaultConfig();
  // With the dashboard, as the service's api role serves it: `GET /` belongs to the API too.
  api = apiOverPorts(embeddedPorts(new ManualClock(0), config.topics), config, { dashboard: { files: dashboardAssets() } });
  const response = await api.get('/docs/openapi.json', null);
  expect(response.statusCode).toBe(200);
  document = response.json<OpenApiDocument>();
  markdown = readFileSync(API_DOC_PATH, 'utf8');
});

afterAll(async () => {
  await api.close();
});

describe('docs/api.md', () => {
  it('documents every operation of the OpenAPI document, and only those', () => {
    expect(operationsOf(document).length).toBeGreaterThan(10);
    expect(apiDocProblems(markdown, document)).toEqual([]);
  });

  it('reports an operation the page does not document', () => {
    const added: OpenApiOperation = {
      operationId: 'deleteScope',
      summary: 'not a real route',
      tags: ['scopes'],
      'x-access': 'write',
      security: [{ bearerAuth: [] }],
      parameters: [{ name: 'scope', in: 'path', required: true, schema: {} }],
      responses: { '200': { description: 'gone' } },
    };
    const widened: OpenApiDocument = { ...document, paths: { ...document.paths, '/api/v1/scopes/{scope}/erase': { post: added } } };
    expect(apiDocProblems(markdown, widened)).toEqual([
      ...apiDocProblems(markdown, document),
      'POST /api/v1/scopes/{scope}/erase (deleteScope): no section headed "POST /api/v1/scopes/{scope}/erase"',
    ]);
  });

  it('reports a section whose example, access, answers or parameters do not match the operation', () => {
    const section = (access: string, answers: string, command: string, parameters = '') =>
      ['# The HTTP API', '### GET /api/v1/scopes', '', `**Access:** ${access}. **Answers:** ${answers}.`, '', parameters, '', '```sh', command, '```', ''].join('\n');
    const only: OpenApiDocument = { ...document, paths: { '/api/v1/scopes': { get: document.paths['/api/v1/scopes']?.get as OpenApiOperation } } };
    const good = section('read', '200, 400, 401', 'curl -s -H "Authorization: Bearer $READ_TOKEN" "$API/api/v1/scopes?kind=anomaly&limit=2"', 'Query: `kind`, `limit`.');
    expect(apiDocProblems(good, only)).toEqual([]);
    expect(apiDocProblems(section('read-write', '200, 400', 'curl -s -X POST "$API/api/v1/scopes/org%3Ao-01"'), only)).toEqual([
      'GET /api/v1/scopes: no ```sh block with a curl GET of $API/api/v1/scopes',
      'GET /api/v1/scopes: expected "**Access:** read", found "read-write. **Answers:** 200, 400."',
      'GET /api/v1/scopes: answer 401 is not listed after **Answers:**',
      'GET /api/v1/scopes: parameter `kind` is not named',
      'GET /api/v1/scopes: parameter `limit` is not named',
    ]);
    expect(apiDocProblems(`${good}\n### POST /api/v1/scopes\n`, only)).toEqual(['POST /api/v1/scopes: documented, but the server has no such operation']);
  });
});
