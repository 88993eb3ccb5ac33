/**
 * @module The CLI's two kinds of failure, which decide its exit status: a usage error (2: the command line itself is
 * wrong, nothing was sent) and a failure of the API or the network (1). Messages are one line and never carry a token.
 */

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Shell convention for a process stopped by SIGINT (128 + 2): `events tail` ended with Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to point at, when the command itself was recognised. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export class CliFailure extends Error {
  override name = 'CliFailure';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Collapses whitespace and caps the length, so a server's HTML error page cannot flood the terminal. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
