// Flat config: typescript-eslint's type-aware recommended rules over all TypeScript sources,
// and the layering of design.md §5 (README "Layering") as per-folder import restrictions.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What each folder under src/ may import of relearn besides itself. Arrows point inward
 * to domain; only app knows every adapter; cli and api sit outside app. Type-only and
 * dynamic imports count. A folder missing here stops the lint: place it first.
 */
const ADAPTER_MAY_IMPORT = ['domain', 'ports', 'contract'];
const MAY_IMPORT = {
  domain: [],
  engines: [],
  dashboard: [],
  pipelines: ['domain'],
  ports: ['domain'],
  contract: ['domain'],
  simulate: ['domain', 'contract'],
  training: ['domain', 'engines', 'ports'],
  config: ['domain', 'contract', 'engines', 'training'],
  logging: ['config'],
  metrics: ['domain', 'ports', 'pipelines', 'config'],
  'adapters/memory': ADAPTER_MAY_IMPORT,
  'adapters/kafka': ADAPTER_MAY_IMPORT,
  'adapters/mongo': ADAPTER_MAY_IMPORT,
  'adapters/registry': ADAPTER_MAY_IMPORT,
  'adapters/system': ADAPTER_MAY_IMPORT,
  app: ['domain', 'engines', 'pipelines', 'training', 'ports', 'contract', 'simulate', 'config', 'logging', 'metrics', 'dashboard', 'adapters'],
  api: ['app', 'domain', 'engines', 'pipelines', 'training', 'ports', 'contract', 'simulate', 'config', 'logging', 'metrics', 'dashboard'],
  cli: ['app', 'api', 'domain', 'engines', 'pipelines', 'training', 'ports', 'contract', 'simulate', 'config', 'logging', 'metrics', 'dashboard'],
};

const subfolders = (path) => readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
const FOLDERS = subfolders(join(import.meta.dirname, 'src')).flatMap((name) =>
  name === 'adapters' ? subfolders(join(import.meta.dirname, 'src', 'adapters')).map((adapter) => `adapters/${adapter}`) : [name],
);
const unplaced = FOLDERS.filter((folder) => !(folder in MAY_IMPORT));
if (unplaced.length > 0) throw new Error(`eslint.config.js: place ${unplaced.map((folder) => `src/${folder}`).join(', ')} in the layering (MAY_IMPORT)`);

/** `adapters` in a list allows every adapter folder. */
const allows = (allowed, target) => allowed.includes(target) || (target.startsWith('adapters/') && allowed.includes('adapters'));

/**
 * A relative specifier that reaches src/<target>: `../` as often as needed, then the
 * folder (an adapter also as its sibling's `../<technology>`). `\x2F` is `/`, which
 * no-restricted-syntax's selector syntax cannot take inside a regular expression.
 */
function reaching(target) {
  const [top, adapter] = target.split('/');
  const folder = adapter === undefined ? top : `(adapters\\x2F)?${adapter}`;
  return `^(\\.\\.\\x2F)+${folder}(\\x2F|$)`;
}

function layering(folder) {
  const allowed = MAY_IMPORT[folder];
  const forbidden = FOLDERS.filter((target) => target !== folder && !allows(allowed, target));
  const may = allowed.length === 0 ? 'nothing of relearn outside it' : allowed.map((name) => `src/${name}`).join(', ');
  const message = (target) => `src/${folder} must not import src/${target} (design.md §5, README "Layering"): src/${folder} may import ${may}.`;
  return {
    files: [`src/${folder}/**`],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map((target) => ({ regex: reaching(target), message: message(target) })) }],
      // no-restricted-imports does not look at import(): the same patterns as selectors.
      'no-restricted-syntax': ['error', ...forbidden.map((target) => ({ selector: `ImportExpression[source.value=/${reaching(target)}/]`, message: message(target) }))],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stack/**', '.venv/**', 'coverage/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  ...FOLDERS.map(layering),
);
