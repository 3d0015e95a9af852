import { z } from 'zod';
import type { ApiRoute } from './api-route.js';
import { API_ERROR_CODES } from './api-error.js';
import { errorSchema } from './schemas/resource-schemas.js';

type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  'x-access': ApiRoute['access'];
  security: Record<string, string[]>[];
  parameters: { name: string; in: 'path' | 'query'; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Bad input: `field` names it and `message` says what was expected',
  401: 'No bearer token, or an unknown one',
  403: 'The token is read-only; this route writes',
  404: 'No such scope, model, version or job',
  409: 'Not possible in the resource’s current state',
};

/**
 * Converts zod schemas to JSON Schema 2020-12 (OpenAPI 3.1's dialect). Schemas with an
 * `id` come out as `$defs`; they are hoisted into `components.schemas` and every
 * reference is pointed there.
 */
class SchemaConverter {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    for (const [name, definition] of Object.entries($defs ?? {})) this.components[name] = this.relink(definition) as JsonSchema;
    return this.relink(json) as JsonSchema;
  }

  private relink(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.relink(item));
    if (typeof value !== 'object' || value === null) return value;
    const result: JsonSchema = {};
    for (const [key, inner] of Object.entries(value)) {
      result[key] = key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', '#/components/schemas/') : this.relink(inner);
    }
    return result;
  }
}

function objectProperties(json: JsonSchema): { name: string; schema: JsonSchema; required: boolean }[] {
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => ({ name, schema, required: required.has(name) }));
}

function operationOf(route: ApiRoute, converter: SchemaConverter, errorRef: JsonSchema): OpenApiOperation {
  const parameters: OpenApiOperation['parameters'] = [];
  if (route.params !== undefined) {
    for (const { name, schema } of objectProperties(converter.convert(route.params, 'input'))) {
      parameters.push({ name, in: 'path', required: true, ...(typeof schema.description === 'string' ? { description: schema.description } : {}), schema });
    }
  }
  if (route.query !== undefined) {
    for (const { name, schema, required } of objectProperties(converter.convert(route.query, 'input'))) {
      parameters.push({ name, in: 'query', required, ...(typeof schema.description === 'string' ? { description: schema.description } : {}), schema });
    }
  }
  const responses: OpenApiOperation['responses'] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    if (response === undefined) continue;
    const content =
      response.schema !== undefined
        ? { 'application/json': { schema: converter.convert(response.schema, 'output') } }
        : response.contentType !== undefined
          ? { [response.contentType]: { schema: { type: 'string' } } }
          : undefined;
    responses[status] = { description: response.description, ...(content === undefined ? {} : { content }) };
  }
  const errors = new Set<number>(route.errors ?? []);
  if (route.params !== undefined || route.query !== undefined || route.body !== undefined) errors.add(400);
  if (route.access !== 'public') errors.add(401);
  if (route.access === 'write') errors.add(403);
  for (const status of [...errors].sort()) {
    responses[String(status)] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: { 'application/json': { schema: errorRef } } };
  }
  const operation: OpenApiOperation = {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [route.tag],
    'x-access': route.access,
    security: route.access === 'public' ? [] : [{ bearerAuth: [] }],
    parameters,
    responses,
  };
  if (route.body !== undefined) {
    operation.requestBody = {
      required: !route.body.safeParse(undefined).success,
      content: { 'application/json': { schema: converter.convert(route.body, 'input') } },
    };
  }
  return operation;
}

/** The OpenAPI 3.1 document of the given routes, from the zod schemas that validate them. */
export function openApiDocument(routes: readonly ApiRoute[], info: { title: string; version: string }): OpenApiDocument {
  const converter = new SchemaConverter();
  const errorRef = converter.convert(errorSchema, 'output');
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    if (route.hidden === true) continue;
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(route, converter, errorRef);
  }
  const codes = Object.entries(API_ERROR_CODES)
    .map(([code, { status, meaning }]) => `- \`${code}\` (${status}): ${meaning}`)
    .join('\n');
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description: `relearn keeps per-user and per-organisation models fresh while events stream in. Every route but health, readiness, metrics and docs needs \`Authorization: Bearer <token>\`; read-only tokens get 403 on every POST.\n\nError codes:\n${codes}`,
    },
    paths,
    components: {
      schemas: converter.components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    },
  };
}
