import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

export interface ApiToken {
  token: string;
  access: 'read' | 'read-write';
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Bearer-token checks per route. Tokens are looked up by their SHA-256 digest, so the
 * time a lookup takes says nothing about how much of a guessed token was right.
 */
export class BearerAuth {
  private readonly accessByDigest: ReadonlyMap<string, ApiToken['access']>;

  constructor(tokens: readonly ApiToken[]) {
    this.accessByDigest = new Map(tokens.map((entry) => [digest(entry.token), entry.access]));
  }

  /** Throws 401 without a known token, 403 when the route writes and the token only reads. */
  check(request: FastifyRequest, needs: 'read' | 'write'): void {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
    if (match?.[1] === undefined) {
      throw new ApiError('unauthorized', 'missing bearer token: send Authorization: Bearer <token>', 'authorization');
    }
    const access = this.accessByDigest.get(digest(match[1]));
    if (access === undefined) throw new ApiError('unauthorized', 'unknown token', 'authorization');
    if (needs === 'write' && access !== 'read-write') throw new ApiError('forbidden', 'this token is read-only; the route needs a read-write token', 'authorization');
  }

  hook(needs: 'read' | 'write'): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
    return (request) => {
      this.check(request, needs);
      return Promise.resolve();
    };
  }
}
