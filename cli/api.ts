/**
 * @module The admin API over HTTP (design.md §5: `/admin/api/*`, `Authorization: Bearer ADMIN_TOKEN`, JSON in and
 * out). Every failure becomes one `CliFailure` line naming the route, the API's own `error` text and the status; a
 * 401 says only that the token was rejected, and the token itself never appears in a message.
 */
import { CliFailure, oneLine } from './errors.ts';

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** Long enough for a reconcile or a handover (which waits for the new socket), short enough to not hang a script. */
export const REQUEST_TIMEOUT_MS = 60_000;

interface ErrorBody {
  error?: unknown;
  issues?: unknown[];
}

/** The base URL without credentials or a trailing slash, for messages and for building routes. */
export function displayOrigin(base: URL): string {
  return `${base.protocol}//${base.host}${base.pathname.replace(/\/+$/, '')}`;
}

export function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `no answer within ${timeoutMs / 1000} s`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return oneLine(cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)), 120);
}

function apiMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, issues } = body as ErrorBody;
  if (typeof error !== 'string') return undefined;
  const more = Array.isArray(issues) && issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
  return `${oneLine(error)}${more}`;
}

export class AdminApi {
  readonly origin: string;

  constructor(
    base: URL,
    private readonly token: string,
    private readonly fetchFn: FetchFn = fetch,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    this.origin = displayOrigin(base);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(`${this.origin}/admin/api${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new CliFailure(`cannot reach ${this.origin}: ${networkReason(err, this.timeoutMs)}`);
    }
    if (res.status === 401) throw new CliFailure(`admin token rejected by ${this.origin} (HTTP 401)`, 401);
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const route = `${method} ${path.split('?')[0]}`;
    if (!res.ok) {
      const why = apiMessage(parsed) ?? (oneLine(text, 120) || res.statusText || 'no body');
      throw new CliFailure(`${route} failed: ${why} (HTTP ${res.status})`, res.status);
    }
    if (parsed === undefined)
      throw new CliFailure(`${route}: the answer is not JSON; is ${this.origin} a conduit-worker?`, res.status);
    return parsed as T;
  }
}
