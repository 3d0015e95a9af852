import { describe, expect, it } from 'vitest';
import { componentLogger, narrowLogger } from '../../../src/logging/component-logger.js';
import { createLogger } from '../../../src/logging/create-logger.js';

function capture(level: Parameters<typeof createLogger>[0]['level']) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level as a word and an ISO time', () => {
    const { logger, lines } = capture('info');
    logger.info({ rows: 3 }, 'trained');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', name: 'relearn', msg: 'trained', rows: 3 });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('drops lines below the configured level, and everything when silent', () => {
    const info = capture('info');
    info.logger.debug('hidden');
    info.logger.warn('shown');
    expect(info.lines.map((line) => line.msg)).toEqual(['shown']);
    const silent = capture('silent');
    silent.logger.fatal('nothing');
    expect(silent.lines).toEqual([]);
  });

  it('redacts passwords, tokens and authorization headers', () => {
    const { logger, lines } = capture('info');
    logger.info({ password: 'p1', sasl: { password: 'p2' }, token: 't1', api: { tokens: ['t2'] }, req: { headers: { authorization: 'Bearer t3' } } }, 'connect');
    const text = JSON.stringify(lines);
    for (const secret of ['p1', 'p2', 't1', 't2', 'Bearer t3']) expect(text).not.toContain(`"${secret}"`);
    expect(lines[0]).toMatchObject({ password: '****', sasl: { password: '****' }, token: '****' });
  });
});

describe('componentLogger', () => {
  it('binds the component and the given context to every line, leaving out what is undefined', () => {
    const { logger, lines } = capture('debug');
    const ingest = componentLogger(logger, 'ingest', { topic: 'transactions.v1', partition: 3, scope: undefined });
    ingest.debug({ offset: '42' }, 'batch handled');
    expect(lines[0]).toMatchObject({ component: 'ingest', topic: 'transactions.v1', partition: 3, offset: '42', msg: 'batch handled' });
    expect(lines[0]).not.toHaveProperty('scope');
  });

  it('narrows a component logger to a job and scope, keeping the component', () => {
    const { logger, lines } = capture('info');
    const trainer = componentLogger(logger, 'trainer');
    narrowLogger(trainer, { jobId: 'user:u-1/categorizer/2', scope: 'user:u-1', kind: 'categorizer' }).info('job finished');
    expect(lines[0]).toMatchObject({ component: 'trainer', jobId: 'user:u-1/categorizer/2', scope: 'user:u-1', kind: 'categorizer' });
  });
});
