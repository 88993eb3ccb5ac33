/**
 * @module Pieces every admin route description shares: JSON bodies and the error responses (400 validation, 401 auth,
 * and `default` for the controller's failure statuses).
 */
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../app.ts';
import { ErrorSchema } from './schemas.ts';

export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<S extends z.ZodType>(schema: S) {
  // required: without it a request with no JSON content type would skip validation (zod-openapi adds `{}`).
  return { required: true, content: { 'application/json': { schema } } };
}

export const errorResponses = {
  400: json(ErrorSchema, 'invalid request: `error` names the field'),
  401: json(ErrorSchema, 'missing or wrong bearer token'),
  default: json(ErrorSchema, 'the controller refused or failed (404, 409, 422, 429, 501, 502, 503)'),
};

export type AdminApp = OpenAPIHono<AppEnv>;
