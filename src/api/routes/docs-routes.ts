import { defineRoute, type ApiRoute } from '../api-route.js';
import { docsPage } from '../docs-page.js';
import type { OpenApiDocument } from '../openapi-document.js';

/** The document is built after every route is known, so these routes read it lazily. */
export function docsRoutes(document: () => OpenApiDocument): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/docs',
      operationId: 'docsPage',
      summary: 'This API’s operations as an HTML page',
      tag: 'docs',
      access: 'public',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      handle: (_input, _request, reply) => Promise.resolve(reply.type('text/html; charset=utf-8').send(docsPage(document()))),
    }),
    defineRoute({
      method: 'GET',
      url: '/docs/openapi.json',
      operationId: 'openApiDocument',
      summary: 'The OpenAPI 3.1 document',
      tag: 'docs',
      access: 'public',
      responses: { 200: { description: 'OpenAPI 3.1 JSON', contentType: 'application/json' } },
      handle: () => Promise.resolve(document()),
    }),
  ];
}
