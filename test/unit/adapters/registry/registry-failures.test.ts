import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { RegistryAvroCodec } from '../../../../src/adapters/registry/registry-avro-codec.js';
import { frame } from '../../../../src/contract/confluent-frame.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A stand-in registry that answers every request with `status` and `body`. */
async function answering(status: number, body: string, contentType = 'application/json'): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const record = frame(7, Buffer.from([2, 4]));

describe('RegistryAvroCodec: what a failed schema lookup means for the record', () => {
  it('dead-letters a record whose schema id the registry itself says it does not know', async () => {
    const codec = new RegistryAvroCodec({ url: await answering(404, JSON.stringify({ error_code: 40403, message: 'Schema 7 not found' })) });
    await expect(codec.decode(record)).rejects.toMatchObject({ code: 'DECODE_FAILED', retriable: false });
  });

  it('retries (never dead-letters) when the registry refuses the credentials', async () => {
    for (const status of [401, 403]) {
      const codec = new RegistryAvroCodec({ url: await answering(status, JSON.stringify({ error_code: status * 100 + 1, message: 'Unauthorized' })) });
      await expect(codec.decode(record)).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    }
  });

  it('retries a 404 that is not the registry’s verdict (a proxy or a wrong base URL)', async () => {
    const codec = new RegistryAvroCodec({ url: await answering(404, '<html>Not Found</html>', 'text/html') });
    await expect(codec.decode(record)).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
  });
});
