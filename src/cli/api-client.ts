import { ApiRequestError, ServiceUnreachableError } from './api-errors.js';

export type QueryValues = Record<string, string | number | boolean | undefined>;

export interface ApiClientOptions {
  /** e.g. http://127.0.0.1:8080 (a path prefix is kept: http://host/relearn). */
  baseUrl: string;
  token: string | undefined;
  /** Per request. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Path segments are URL-encoded one by one: scopes hold a colon, job ids hold slashes. */
export function apiPath(...segments: readonly (string | number)[]): string {
  return `/${segments.map((segment) => encodeURIComponent(String(segment))).join('/')}`;
}

function reasonOf(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'no answer in time';
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    if (typeof cause?.code === 'string') return cause.code;
    if (typeof cause?.message === 'string') return cause.message;
    return error.message;
  }
  return String(error);
}

/**
 * A client of relearn's HTTP API over Node's global fetch. Non-2xx answers become
 * ApiRequestError (carrying the API's error code and field); no answer at all becomes
 * ServiceUnreachableError, so commands map both to documented exit codes.
 */
export class ApiClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get baseUrl(): string {
    return this.base;
  }

  async get<T>(path: string, query: QueryValues = {}): Promise<T> {
    const { status, body } = await this.request('GET', path, query, undefined);
    return this.accept<T>(status, body);
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    const answer = await this.request('POST', path, {}, body);
    return this.accept<T>(answer.status, answer.body);
  }

  /** The status and body whatever the status: for /ready, where 503 is an answer, not a failure. */
  async probe<T>(path: string): Promise<{ status: number; body: T }> {
    const { status, body } = await this.request('GET', path, {}, undefined);
    return { status, body: body as T };
  }

  private accept<T>(status: number, body: unknown): T {
    if (status >= 200 && status < 300) return body as T;
    const error = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
    throw new ApiRequestError(
      status,
      typeof error?.code === 'string' ? error.code : 'http-error',
      typeof error?.message === 'string' ? error.message : `HTTP ${status}`,
      typeof error?.field === 'string' ? error.field : null,
    );
  }

  private async request(method: 'GET' | 'POST', path: string, query: QueryValues, body: unknown): Promise<{ status: number; body: unknown }> {
    const url = new URL(`${this.base}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ServiceUnreachableError(this.base, reasonOf(error));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new ServiceUnreachableError(this.base, reasonOf(error));
    }
    if (text === '') return { status: response.status, body: null };
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      // A proxy's HTML error page, or not relearn at all: say so instead of failing on JSON.
      throw new ApiRequestError(response.status, 'not-json', `the answer from ${url.pathname} is not JSON (is ${this.base} a relearn API?)`, null);
    }
  }
}
