import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering of design.md §5 (README "Layering"): the ESLint config forbids the
 * wrong-way imports folder by folder; this file checks what a per-folder rule cannot
 * see, that no two folders and no two files import each other through any chain, and
 * that the ESLint config does catch a wrong-way import. Type-only imports count.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(ROOT, 'src');
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** `from '…'` (imports and re-exports, type-only too), `import('…')` and `import '…'`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\1/g;

/** Paths relative to the repository, with forward slashes, as the messages show them. */
function repoPath(absolute: string): string {
  return relative(ROOT, absolute).split(sep).join('/');
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return SOURCE_FILE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
    });
}

/** The layering unit of a file: `src/adapters/<technology>`, else `src/<folder>`. */
function folderOf(file: string): string {
  const [top, second] = file.split('/').slice(1);
  return top === 'adapters' && second !== undefined && file.split('/').length > 3 ? `src/adapters/${second}` : `src/${top ?? ''}`;
}

/** NodeNext spells a TypeScript module's import with `.js`. */
function resolveImport(from: string, specifier: string): string | null {
  const target = resolve(dirname(join(ROOT, from)), specifier);
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), target.replace(/\.cjs$/, '.cts'), `${target}.ts`, join(target, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  return found === undefined ? null : repoPath(found);
}

interface ImportEdge {
  from: string;
  to: string;
  specifier: string;
}

interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  unresolved: string[];
}

function importGraph(): ImportGraph {
  const files = sourceFiles(SRC).map(repoPath);
  const edges: ImportEdge[] = [];
  const unresolved: string[] = [];
  for (const file of files) {
    for (const match of readFileSync(join(ROOT, file), 'utf8').matchAll(SPECIFIER)) {
      const specifier = match[2] ?? '';
      if (!specifier.startsWith('.')) continue;
      const to = resolveImport(file, specifier);
      if (to === null) unresolved.push(`${file}: '${specifier}'`);
      else edges.push({ from: file, to, specifier });
    }
  }
  return { files, edges, unresolved };
}

/** Strongly connected components of more than one node, or a node with an edge to itself (Tarjan). */
function cyclicComponents(nodes: readonly string[], next: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || next.get(node)?.has(node) === true) components.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}

/** One cycle through the component's first node: the shortest way back to it (breadth first). */
function cycleThrough(component: readonly string[], next: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const start = component[0] ?? '';
  const inside = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() ?? '';
    for (const target of next.get(node) ?? []) {
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0] ?? '') ?? start);
        return [...path, start];
      }
      if (inside.has(target) && !previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}

function adjacency(edges: Iterable<readonly [string, string]>): Map<string, Set<string>> {
  const next = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const targets = next.get(from) ?? new Set<string>();
    targets.add(to);
    next.set(from, targets);
  }
  return next;
}

/** Each cyclic group of folders, one cycle through it, and every import between its folders (what to break). */
function folderCycles(graph: ImportGraph): string[] {
  const crossing = graph.edges.filter((edge) => folderOf(edge.from) !== folderOf(edge.to));
  const next = adjacency(crossing.map((edge) => [folderOf(edge.from), folderOf(edge.to)] as const));
  const folders = [...new Set(graph.files.map(folderOf))].sort();
  return cyclicComponents(folders, next).map((component) => {
    const arrows = component.flatMap((from) =>
      [...(next.get(from) ?? [])]
        .filter((to) => component.includes(to))
        .sort()
        .map((to) => {
          const imports = crossing.filter((edge) => folderOf(edge.from) === from && folderOf(edge.to) === to).map((edge) => `    ${edge.from} imports '${edge.specifier}'`);
          return [`  ${from} → ${to}:`, ...imports].join('\n');
        }),
    );
    return [`folders ${component.join(', ')} import each other, e.g. ${cycleThrough(component, next).join(' → ')}`, ...arrows].join('\n');
  });
}

/** Each cyclic group of files as `a → b → a`. */
function fileCycles(graph: ImportGraph): string[] {
  const next = adjacency(graph.edges.map((edge) => [edge.from, edge.to] as const));
  return cyclicComponents(graph.files, next).map((component) => `files ${component.join(', ')} import each other, e.g. ${cycleThrough(component, next).join(' → ')}`);
}

describe('import graph of src/', () => {
  const graph = importGraph();

  it('reads every relative import, each to a file that exists', () => {
    expect(graph.files.length).toBeGreaterThan(100);
    expect(graph.edges.length).toBeGreaterThan(graph.files.length);
    expect(graph.unresolved).toEqual([]);
  });

  it('has no cycle between folders (src/<folder>, src/adapters/<technology>)', () => {
    expect(folderCycles(graph)).toEqual([]);
  });

  it('has no cycle between files', () => {
    expect(fileCycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const planted: ImportGraph = {
      files: ['src/app/a.ts', 'src/api/b.ts', 'src/api/c.ts'],
      edges: [
        { from: 'src/app/a.ts', to: 'src/api/b.ts', specifier: '../api/b.js' },
        { from: 'src/api/b.ts', to: 'src/api/c.ts', specifier: './c.js' },
        { from: 'src/api/c.ts', to: 'src/app/a.ts', specifier: '../app/a.js' },
      ],
      unresolved: [],
    };
    expect(folderCycles(planted)).toEqual([
      ["folders src/api, src/app import each other, e.g. src/api → src/app → src/api", '  src/api → src/app:', "    src/api/c.ts imports '../app/a.js'", '  src/app → src/api:', "    src/app/a.ts imports '../api/b.js'"].join('\n'),
    ]);
    expect(fileCycles(planted)).toEqual(['files src/api/b.ts, src/api/c.ts, src/app/a.ts import each other, e.g. src/api/b.ts → src/api/c.ts → src/app/a.ts → src/api/b.ts']);
  });
});

describe('the ESLint layering rules', { timeout: 120_000 }, () => {
  let eslint: ESLint;

  beforeAll(() => {
    eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.js') });
  });

  /** Lints `code` as if it were the content of `file` (an existing file, for the type-aware rules). */
  async function layeringMessages(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-syntax').map((message) => message.message);
  }

  it('rejects the domain importing an adapter', async () => {
    const code = "import type { MongoEventStore } from '../adapters/mongo/mongo-event-store.js';\n\nexport type Store = MongoEventStore;\n";
    expect(await layeringMessages('src/domain/scope.ts', code)).toEqual([
      "'../adapters/mongo/mongo-event-store.js' import is restricted from being used by a pattern. src/domain must not import src/adapters/mongo (design.md §5, README \"Layering\"): src/domain may import nothing of relearn outside it.",
    ]);
  });

  it.each([
    ['src/adapters/memory/memory-event-store.ts', "import { KafkaEventBus } from '../kafka/kafka-event-bus.js';\nexport const bus = KafkaEventBus;\n"],
    ['src/adapters/kafka/kafka-event-bus.ts', "export type { ServicePorts } from '../../app/composition-root.js';\n"],
    ['src/metrics/relearn-metrics.ts', "import type { RelearnSystem } from '../app/relearn-system.js';\nexport type System = RelearnSystem;\n"],
    ['src/app/decider.ts', "import { buildApiServer } from '../api/build-api-server.js';\nexport const build = buildApiServer;\n"],
    ['src/domain/features/weekly-spend.ts', "export const load = () => import('../../ports/clock.js');\n"],
  ])('rejects %s importing outward', async (file, code) => {
    expect(await layeringMessages(file, code)).toHaveLength(1);
  });

  it('lets the composition root import an adapter', async () => {
    const code = "import { MemoryEventStore } from '../adapters/memory/memory-event-store.js';\nexport const store = new MemoryEventStore();\n";
    expect(await layeringMessages('src/app/composition-root.ts', code)).toEqual([]);
  });
});
