import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function relearn(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('relearn simulate: bad options', () => {
  it.each([
    [['--users', 'x'], '--users'],
    [['--days', '0'], '--days'],
    [['--invalid-rate', '1.5'], '--invalid-rate'],
    [['--seed', '-1'], '--seed'],
  ])('%j exits 2 and names the option and what was expected', (args, option) => {
    const result = relearn('simulate', ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(option);
    expect(result.stderr).toMatch(/expected/);
    expect(result.stdout).toBe('');
  });

  it('rejects an unknown option by name', () => {
    const result = relearn('simulate', '--userz', '3');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--userz');
  });

  it('prints a JSON report with the documented keys', () => {
    const result = relearn('simulate', '--users', '3', '--orgs', '1', '--days', '60', '--json');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown> & { summary: Record<string, Record<string, number>> };
    for (const kind of ['categorizer', 'forecaster', 'anomaly']) {
      const summary = report.summary[kind];
      expect(typeof summary?.trained).toBe('number');
      expect(typeof summary?.insufficientData).toBe('number');
      expect(typeof summary?.failed).toBe('number');
    }
    expect(report).toHaveProperty('deadLettered');
    expect(report).toHaveProperty('eventsIngested');
  });
});
