/**
 * @module Request validation failures as 400 JSON naming the field (`{ error: "<path>: <message>", issues }`), and
 * the Hono exceptions thrown before a schema runs (malformed JSON, wrong media type) as JSON too. Zod issues carry
 * no input values, so a rejected secret is never echoed.
 */
import type { Hook } from '@hono/zod-openapi';
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { AppEnv } from '../../app.ts';
import type { ErrorBody } from './schemas.ts';

const TARGET_NAMES: Record<string, string> = { json: 'body', query: 'query', param: 'path' };

type Issue = ZodError['issues'][number];

function fieldPath(issue: Issue, target: string): string {
  const path = issue.path.map(String).join('.');
  // An unknown key is reported on the object that holds it; name the key itself.
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ');
  return path || (TARGET_NAMES[target] ?? target);
}

export function validationError(error: ZodError, target: string): ErrorBody {
  const issues = error.issues.map((issue) => ({
    path: fieldPath(issue, target),
    code: issue.code,
    message: issue.message,
  }));
  const first = issues[0];
  return { error: first ? `${first.path}: ${first.message}` : `${target}: invalid`, issues };
}

export const defaultHook: Hook<unknown, AppEnv, string, Response | undefined> = (result, c) => {
  if (!result.success) return c.json(validationError(result.error, result.target), 400);
  return undefined;
};

/** Hono's validator throws `HTTPException(400)` for malformed JSON and the OpenAPI gate 415 for a non-JSON body. */
export const adminErrorHandler: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof HTTPException) {
    const body: ErrorBody = { error: err.status === 400 ? `body: ${err.message}` : err.message };
    return c.json(body, err.status);
  }
  throw err;
};
