import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { adapterLogger, effectiveLevel, kafkaLogCreator, type KafkaLogEntry } from '../../../../src/adapters/kafka/kafka-log-creator.js';

const { logLevel } = kafkajs;

function capture(threshold: Parameters<typeof kafkaLogCreator>[0]): { lines: KafkaLogEntry[]; log: ReturnType<ReturnType<typeof kafkaLogCreator>> } {
  const lines: KafkaLogEntry[] = [];
  const log = kafkaLogCreator(threshold, (entry) => lines.push(entry))(logLevel.DEBUG);
  return { lines, log };
}

const timestamp = '2026-01-01T00:00:00.000Z';

describe('kafkaLogCreator', () => {
  it('demotes the protocol errors kafkajs retries or rejoins from, so warn shows none of them', () => {
    const { lines, log } = capture('warn');
    for (const error of ["The coordinator is loading and hence can't process requests for this group", 'The group is rebalancing, so a rejoin is needed', 'This is not the correct coordinator for this group']) {
      log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp, message: 'Response Heartbeat(key: 12, version: 3)', error } });
    }
    log({ namespace: 'Runner', level: logLevel.WARN, label: 'WARN', log: { timestamp, message: 'The group is rebalancing, re-joining' } });
    expect(lines).toEqual([]);
  });

  it('forwards real failures with their fields, level, namespace and time', () => {
    const { lines, log } = capture('warn');
    log({ namespace: 'Consumer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp, message: 'Crash: KafkaJSNumberOfRetriesExceeded: boom', groupId: 'g' } });
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp, message: 'Response Produce(key: 0, version: 7)', error: 'The request included a message larger than the max message size the server will accept' } });
    expect(lines).toEqual([
      { level: 'error', time: Date.parse(timestamp), namespace: 'Consumer', message: 'Crash: KafkaJSNumberOfRetriesExceeded: boom', groupId: 'g' },
      {
        level: 'error',
        time: Date.parse(timestamp),
        namespace: 'Connection',
        message: 'Response Produce(key: 0, version: 7)',
        error: 'The request included a message larger than the max message size the server will accept',
      },
    ]);
  });

  it('shows the demoted lines when the threshold is info', () => {
    const { lines, log } = capture('info');
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp, message: 'Response JoinGroup(key: 11, version: 5)', error: 'The group is rebalancing, so a rejoin is needed' } });
    expect(lines.map((line) => line.level)).toEqual(['info']);
  });

  it('drops lines below the threshold', () => {
    const { lines, log } = capture('error');
    log({ namespace: 'Admin', level: logLevel.WARN, label: 'WARN', log: { timestamp, message: 'Could not create topics' } });
    expect(lines).toEqual([]);
  });
});

describe('effectiveLevel', () => {
  it('keeps a member that lost its place at warn, and a retriable failed send at info', () => {
    expect(effectiveLevel('error', 'Response Heartbeat(key: 12, version: 3)', 'The coordinator is not aware of this member')).toBe('warn');
    expect(effectiveLevel('error', 'Failed to send messages: This server is not the leader for that topic-partition', undefined)).toBe('info');
    expect(effectiveLevel('error', 'Failed to send messages: The request included a message larger than the max message size the server will accept', undefined)).toBe('error');
    expect(effectiveLevel('debug', 'anything', 'The group is rebalancing, so a rejoin is needed')).toBe('debug');
  });
});

describe('adapterLogger', () => {
  it('writes the adapter’s own lines under relearn.kafka through the same threshold', () => {
    const lines: KafkaLogEntry[] = [];
    const log = adapterLogger('warn', (entry) => lines.push(entry));
    log('info', 'joined');
    log('error', 'handler failed', { topic: 't' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', namespace: 'relearn.kafka', message: 'handler failed', topic: 't' });
  });
});
