/**
 * @module Calls to `/admin/api/*` with the admin token from `sessionStorage` (design.md §5: asked for once per tab).
 * A 401 forgets the token and asks again; any other error carries the API's `error` text verbatim (it never holds
 * a secret).
 */

const KEY = 'conduit-admin-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Unauthorized extends ApiError {}

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (t: string): void => sessionStorage.setItem(KEY, t),
  clear: (): void => sessionStorage.removeItem(KEY),
};

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let message = text || res.statusText;
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON (a proxy's page): show the text as it came.
  }
  return res.status === 401 ? new Unauthorized(401, message) : new ApiError(res.status, message);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const t = token.get();
  if (t === null) throw new Unauthorized(401, 'no admin token');
  const res = await fetch(`/admin/api${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${t}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (!res.ok) {
    const err = await errorOf(res);
    if (err instanceof Unauthorized) token.clear();
    throw err;
  }
  return (await res.json()) as T;
}
