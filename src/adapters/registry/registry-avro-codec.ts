import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';

import { frame, unframe } from '../../contract/confluent-frame.js';
import { RelearnError } from '../../domain/errors.js';
import type { AvroCodec } from '../../ports/avro-codec.js';
import { SchemaRejectedError } from './schema-rejected-error.js';

export interface RegistryAvroCodecOptions {
  /** Base URL of a Confluent-compatible API, e.g. `http://registry:8081` or Apicurio's `…/apis/ccompat/v7`. */
  url: string;
  username?: string;
  password?: string;
}

/**
 * The avsc options of `avroType` (src/contract/avro-types.ts), so that a value decoded here
 * is exactly what the memory codec gives for the same schema; registry.real.test.ts checks
 * that for every schema in schemas/.
 */
const AVRO_OPTIONS = { wrapUnions: false } as const;

/** Prefix mappersmith puts before the registry's message in the errors it raises. */
const CLIENT_ID = 'relearn';

interface RegistryResponseError {
  status: number;
  message: string;
}

function responseError(error: unknown): RegistryResponseError | undefined {
  if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number') return undefined;
  return { status: error.status, message: error.message.startsWith(`${CLIENT_ID} - `) ? error.message.slice(CLIENT_ID.length + 3) : error.message };
}

/**
 * The registry's own answer carries a JSON body with a message (Confluent: "Schema 7 not
 * found", error code 40403; Apicurio: "No content with ID '7' was found."); the client
 * library then uses that message, and writes "Error, status …" only when there was none.
 */
function isRegistryVerdict(error: unknown): boolean {
  const response = responseError(error);
  return response !== undefined && !response.message.startsWith('Error, status');
}

/**
 * mappersmith reports a request that never got an answer (refused, reset, DNS) as HTTP 400:
 * only 5xx and that count as "the registry is not there", which retrying can fix.
 */
function unavailable(what: string, error: unknown, status?: number): RelearnError {
  // 401/403: the registry refused our credentials, and a 404 that is not its own JSON verdict
  // came from something else on the way (a proxy, a wrong base URL): the records are fine,
  // the setup is not, so retry (the partition waits) rather than dead-letter good records.
  const retriable = status === undefined || status === 400 || status === 401 || status === 403 || status === 404 || status >= 500 || status === 429;
  return new RelearnError('UNAVAILABLE', `schema registry: ${what}: ${error instanceof Error ? error.message : String(error)}`, { retriable, cause: error });
}

/**
 * Avro through a Confluent-compatible schema registry (Confluent Schema Registry, or
 * Apicurio's ccompat API), with `@kafkajs/confluent-schema-registry` for the HTTP API and its
 * schema cache. Subjects are `<topic>-value` with BACKWARD compatibility.
 */
export class RegistryAvroCodec implements AvroCodec {
  private readonly registry: SchemaRegistry;
  private readonly idByTopic = new Map<string, Promise<number>>();
  private readonly authorization: string | undefined;
  private readonly baseUrl: string;

  constructor(options: RegistryAvroCodecOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    const auth = options.username === undefined ? undefined : { username: options.username, password: options.password ?? '' };
    this.authorization = auth === undefined ? undefined : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    this.registry = new SchemaRegistry({ host: this.baseUrl, clientId: CLIENT_ID, ...(auth === undefined ? {} : { auth }) }, { [SchemaType.AVRO]: AVRO_OPTIONS });
  }

  /**
   * Sets the subject's level before registering, every time (idempotent): Apicurio answers
   * NONE for a subject without a level of its own where Confluent answers 404, and the
   * client library refuses to register BACKWARD under a subject it reads as NONE.
   */
  async register(topic: string, schema: object): Promise<number> {
    const subject = `${topic}-value`;
    await this.setBackwardCompatibility(subject);
    let id: number;
    try {
      ({ id } = await this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject, compatibility: COMPATIBILITY.BACKWARD }));
    } catch (error) {
      const response = responseError(error);
      if (response?.status === 409 || response?.status === 422) throw new SchemaRejectedError(subject, response.status, response.message, { cause: error });
      if (response !== undefined) throw unavailable(`registering ${subject}`, error, response.status);
      throw new RelearnError('INVALID_ARGUMENT', `cannot register the schema for ${subject}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.idByTopic.set(topic, Promise.resolve(id));
    return id;
  }

  private async setBackwardCompatibility(subject: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/config/${encodeURIComponent(subject)}`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/vnd.schemaregistry.v1+json',
          accept: 'application/vnd.schemaregistry.v1+json, application/json',
          ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
        },
        body: JSON.stringify({ compatibility: COMPATIBILITY.BACKWARD }),
      });
    } catch (error) {
      throw unavailable(`setting the compatibility of ${subject}`, error);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw unavailable(`setting the compatibility of ${subject}`, new Error(`HTTP ${response.status}: ${text}`), response.status);
    }
  }

  /** Encodes with the id this process registered for the topic, or else the subject's latest. */
  async encode(topic: string, value: unknown): Promise<Buffer> {
    const id = await this.schemaIdOf(topic);
    const type = await this.typeOf(id, (error, status) =>
      status === 404 ? new RelearnError('NOT_FOUND', `schema ${id} of ${topic}-value is gone from the registry`, { cause: error }) : unavailable(`reading schema ${id}`, error, status),
    );
    let body: Buffer;
    try {
      body = type.toBuffer(value);
    } catch (error) {
      throw new RelearnError('INVALID_ARGUMENT', `value does not match the schema of ${topic}-value: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return frame(id, body);
  }

  private schemaIdOf(topic: string): Promise<number> {
    let id = this.idByTopic.get(topic);
    if (id === undefined) {
      const subject = `${topic}-value`;
      id = this.registry.getLatestSchemaId(subject).catch((error: unknown) => {
        this.idByTopic.delete(topic);
        const response = responseError(error);
        if (response?.status === 404) throw new RelearnError('NOT_FOUND', `no schema registered for ${subject}`, { cause: error });
        throw unavailable(`looking up the latest schema of ${subject}`, error, response?.status);
      });
      this.idByTopic.set(topic, id);
    }
    return id;
  }

  /** The avsc type of a schema id, from the client's cache or the registry. */
  private async typeOf(id: number, failure: (error: unknown, status: number | undefined) => Error): Promise<avro.Type> {
    let schema: unknown;
    try {
      schema = await this.registry.getSchema(id);
    } catch (error) {
      throw failure(error, responseError(error)?.status);
    }
    if (!(schema instanceof avro.Type)) throw new RelearnError('DECODE_FAILED', `schema ${id} is not an Avro schema`);
    return schema;
  }

  /**
   * DECODE_FAILED (the record goes to the DLQ) for bytes that are not a frame, name a
   * schema id the registry does not know, or do not match their schema; UNAVAILABLE
   * (retriable: the record is fine, the registry is not) when the registry does not answer.
   */
  async decode(bytes: Buffer): Promise<unknown> {
    const { schemaId, body } = unframe(bytes);
    const type = await this.typeOf(schemaId, (error, status) =>
      status === 404 && isRegistryVerdict(error) ? new RelearnError('DECODE_FAILED', `unknown schema id ${schemaId}`, { cause: error }) : unavailable(`reading schema ${schemaId}`, error, status),
    );
    try {
      return type.fromBuffer(body) as unknown;
    } catch (error) {
      throw new RelearnError('DECODE_FAILED', `bytes do not match schema ${schemaId}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
