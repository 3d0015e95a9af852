// Vitest global setup of the browser project: Debian's chromium, installed by the
// project's own script when missing. A failure here fails the run; nothing is skipped.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/chromium.sh', import.meta.url));
  execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
}
