import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { closedPort } from './cli-test-context.js';

function relearn(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, ...env },
  });
}

// The in-process tests cover each command; these check that the installed entry point registers them and sets the exit code.
describe('the relearn entry point', () => {
  it('registers every command and lists the exit codes in --help', () => {
    const result = relearn(['--help']);
    expect(result.status).toBe(0);
    for (const command of ['simulate', 'config', 'produce', 'status', 'history', 'models', 'jobs', 'train']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error');
  });

  it('reads the process environment for settings', () => {
    const result = relearn(['config', '--json'], { RELEARN_API_PORT: '8181', RELEARN_API_TOKENS: 'secret-token:read' });
    expect(result.status).toBe(0);
    const settings = JSON.parse(result.stdout) as { api: { port: number; tokens: { token: string }[] } };
    expect(settings.api.port).toBe(8181);
    expect(settings.api.tokens).toEqual([{ token: '****', access: 'read' }]);
  });

  it('exits 2 for a bad setting and 3 when the API does not answer', async () => {
    const bad = relearn(['config'], { RELEARN_LOG_LEVEL: 'loud' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('RELEARN_LOG_LEVEL: got "loud"');
    const port = await closedPort();
    const down = relearn(['status'], { RELEARN_API_URL: `http://127.0.0.1:${port}` });
    expect(down.status).toBe(3);
    expect(down.stderr).toContain(`cannot reach the relearn API at http://127.0.0.1:${port}: ECONNREFUSED`);
  });
});
