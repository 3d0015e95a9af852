import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { apiOverPorts } from './api-fixture.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  [field: string]: unknown;
}

describe('API logs', () => {
  it('writes one line per write with the scope, kind and decision, and the fault behind a 500, as JSON objects', async () => {
    const lines: LogLine[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
    const config = defaultConfig();
    const ports = embeddedPorts(new ManualClock(0), config.topics);
    for (let offset = 1; offset <= 3; offset += 1) await ports.counters.apply('org:o-1', 'anomaly', { total: 1, sheets: 1, eventTime: offset }, { stream: 'expenses/0', offset });
    const api = apiOverPorts(ports, config, { logger });

    const requested = await api.post('/api/v1/trainings', { scope: 'org:o-1', force: true });
    expect(requested.statusCode, requested.body).toBe(202);
    const audit = lines.find((line) => line.msg === 'training requested');
    expect(audit).toMatchObject({ level: 30, scope: 'org:o-1', kind: 'anomaly', decisionId: 'org:o-1/anomaly/1', outcome: 'requested', force: true });
    expect(typeof audit?.reqId).toBe('string');

    const broken = apiOverPorts({ ...ports, outbox: Object.assign(Object.create(ports.outbox) as typeof ports.outbox, { list: () => Promise.reject(new Error('disk on fire')) }) }, config, { logger });
    expect((await broken.get('/api/v1/decisions')).statusCode).toBe(500);
    const fault = lines.find((line) => line.msg === 'request failed');
    expect(fault).toMatchObject({ level: 50, err: { message: 'disk on fire' } });
    await api.close();
    await broken.close();
  });
});
