import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';

import { decodeHeaders, incomingBatch } from '../../../../src/adapters/kafka/incoming-batch.js';

function message(offset: string, key: Buffer | null, headers: KafkaMessage['headers'] = {}): KafkaMessage {
  return { key, value: Buffer.from(`value-${offset}`), timestamp: '1700000000123', attributes: 0, offset, headers };
}

describe('incomingBatch', () => {
  it('keeps offsets as decimal strings beyond what a double holds, and decodes keys', () => {
    const batch = incomingBatch({ topic: 't', partition: 2, messages: [message('9007199254740993', Buffer.from('user-1')), message('9007199254740994', null)] });
    expect(batch.topic).toBe('t');
    expect(batch.partition).toBe(2);
    expect(batch.records.map((record) => record.offset)).toEqual(['9007199254740993', '9007199254740994']);
    expect(batch.records.map((record) => record.key)).toEqual(['user-1', null]);
    expect(batch.records[0]).toMatchObject({ topic: 't', partition: 2, timestamp: 1700000000123 });
    expect(batch.records[0]?.value?.toString()).toBe('value-9007199254740993');
  });
});

describe('decodeHeaders', () => {
  it('decodes buffers as UTF-8, keeps the last of repeated headers and drops empty ones', () => {
    expect(decodeHeaders({ source: Buffer.from('transactions.v1'), repeated: [Buffer.from('first'), 'last'], plain: 'text', missing: undefined })).toEqual({
      source: 'transactions.v1',
      repeated: 'last',
      plain: 'text',
    });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});
