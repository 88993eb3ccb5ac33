/**
 * @module What a command is (its name, usage, options and a `run`) and what it gets to run: the admin API, the
 * settings and an output that prints either the API's JSON (`--json`) or a rendering for people.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { AdminApi, FetchFn } from '../api.ts';

/** The process boundary, injected so that tests run commands in-process with a stub fetch. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  fetch: FetchFn;
  /** Calls `handler` on Ctrl-C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}

export type OptionValue = string | boolean | (string | boolean)[] | undefined;

export interface Input {
  values: Record<string, OptionValue>;
  args: string[];
}

export interface Ctx {
  io: Io;
  json: boolean;
  /** The Worker's base URL (no credentials, no trailing slash). */
  base: URL;
  hasAdminToken: boolean;
  /** The admin API; a usage error when no admin token was given. */
  api(): AdminApi;
  /** The consumer token for `/events`, if one was given. */
  consumerTokenIfAny(): string | undefined;
  /** Prints `data` as JSON with `--json`, else `human(data)`. */
  emit<T>(data: T, human: (data: T) => string): void;
}

export interface Command {
  /** Words, space-separated: `maintenance add`. */
  name: string;
  summary: string;
  /** Arguments and options after the name, for the help text. */
  usage: string;
  options?: ParseArgsOptionsConfig;
  /** Names of the positional arguments, all required. */
  args?: readonly string[];
  run(ctx: Ctx, input: Input): Promise<number | void>;
}
