import { z } from 'zod';
import type { DashboardFile } from '../api-deps.js';
import { notFound } from '../api-error.js';
import { defineRoute, type ApiRoute } from '../api-route.js';

/** The dashboard's static files: no auth (the page asks for a token and sends it to the API itself). */
export function dashboardRoutes(files: ReadonlyMap<string, DashboardFile>): ApiRoute[] {
  const byPath = new Map([...files].map(([path, file]) => [path.replace(/^\/+/, ''), file]));
  const serve = (path: string, reply: Parameters<ApiRoute['handle']>[2]) => {
    const file = byPath.get(path);
    if (file === undefined) throw notFound(`no dashboard file ${path}`);
    return Promise.resolve(reply.header('cache-control', 'no-cache').type(file.contentType).send(file.body));
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/',
      operationId: 'dashboard',
      summary: 'The dashboard (static HTML; asks for a token)',
      tag: 'dashboard',
      access: 'public',
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      handle: (_input, _request, reply) => serve('index.html', reply),
    }),
    defineRoute({
      method: 'GET',
      url: '/assets/*',
      operationId: 'dashboardAsset',
      summary: 'The dashboard’s scripts and styles',
      tag: 'dashboard',
      access: 'public',
      hidden: true,
      params: z.object({ '*': z.string() }),
      responses: { 200: { description: 'A static file' } },
      handle: ({ params }, _request, reply) => serve(`assets/${params['*']}`, reply),
    }),
  ];
}
