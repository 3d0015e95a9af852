// Vitest global setup of the fault tests: the integration tests' stack (see
// test/integration/global-setup.ts: a running stack given by KAFKA_BROKERS,
// SCHEMA_REGISTRY_URL and MONGODB_URI, else testcontainers, else scripts/stack.sh), plus
// the built CLI the fault tests start as separate `relearn start` processes.
//
// dist/ is built here only when dist/cli/main.js is missing. A dist/ older than src/ is
// NOT rebuilt (a warning says so): the tests kill and restart what `npm run build` last
// produced, so run it after changing src/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import setupStack from '../integration/global-setup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = `${ROOT}dist/cli/main.js`;

export default async function setup(): Promise<() => Promise<void>> {
  if (!existsSync(CLI)) {
    console.log('[faults] dist/cli/main.js is missing: running `npm run build`');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  } else {
    const newest = newestMtime(`${ROOT}src`);
    if (newest > statSync(CLI).mtimeMs) {
      console.warn('[faults] warning: src/ has changed since dist/ was built; the fault tests run dist/ as it is (run `npm run build`)');
    }
  }
  return setupStack();
}

function newestMtime(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
