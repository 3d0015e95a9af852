// `relearn start` as a user runs it: a child process, embedded mode, stopped by a signal.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

function startProcess(args: readonly string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'start', ...args], {
    env: { ...process.env, KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '', MONGODB_URI: '', RELEARN_API_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const apiUrl = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', () => {
      const match = /API and dashboard at (http:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`exited ${String(code)} before listening: ${stderr}`)));
  });
  // Tests of a process that must not start never await the address: keep its rejection handled.
  apiUrl.catch(() => undefined);
  return { child, exited, apiUrl, stderr: () => stderr };
}

describe('relearn start', { timeout: 60_000 }, () => {
  it('serves health and readiness in embedded mode and stops gracefully on SIGTERM with exit 0', async () => {
    const started = startProcess([], { RELEARN_API_TOKENS: 'a-read-write-token:read-write' });
    const url = await started.apiUrl;
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${url}/api/v1/jobs`)).status).toBe(401);
    const jobs = await fetch(`${url}/api/v1/jobs`, { headers: { authorization: 'Bearer a-read-write-token' } });
    expect(await jobs.json()).toEqual({ jobs: [] });

    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
    expect(started.stderr()).toMatch(/"msg":"relearn stopped"/);
  });

  it('refuses an unknown role naming the option, before starting anything', async () => {
    const started = startProcess(['--roles', 'ingest,teacher'], {});
    expect(await started.exited).toBe(2);
    expect(started.stderr()).toMatch(/--roles.*expected a comma-separated list of ingest, trainer, api, got "ingest,teacher"/);
  });

  it('refuses a bad setting naming the variable and what was expected', async () => {
    const started = startProcess([], { RELEARN_API_PORT: 'eighty' });
    expect(await started.exited).toBe(2);
    expect(started.stderr()).toMatch(/RELEARN_API_PORT/);
  });
});
