/** @module A refusal by the controller with the HTTP status the admin API should answer (bad input changes nothing). */
export class ControllerFailure extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'ControllerFailure';
  }
}
