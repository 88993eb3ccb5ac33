/** @module A refusal by the controller with the HTTP status the admin API should answer (bad input changes nothing). */
import type { Json } from '../controller-types.ts';

export class ControllerFailure extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422 | 502,
    message: string,
    /** Per-item detail for the caller, e.g. each shard Twitch refused (issue #5). */
    readonly details?: Json,
  ) {
    super(message);
    this.name = 'ControllerFailure';
  }
}
