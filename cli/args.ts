/**
 * @module The command line: find the command (its words come first), then parse strictly with exactly the global
 * options and that command's own, so an option another command takes is still refused here. Parsing errors from
 * `node:util` become short usage errors.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './errors.ts';
import type { Command, Input } from './commands/types.ts';

export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  'consumer-token': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export type Parsed =
  | { kind: 'help'; command?: Command; group?: string }
  | {
      kind: 'run';
      command: Command;
      input: Input;
      json: boolean;
      url?: string;
      token?: string;
      consumerToken?: string;
    };

function findCommand(words: string[], commands: readonly Command[]): Command | undefined {
  for (let n = Math.min(2, words.length); n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    const found = commands.find((c) => c.name === name);
    if (found) return found;
  }
  return undefined;
}

function unknownCommand(words: string[], commands: readonly Command[]): UsageError {
  const group = commands.filter((c) => c.name.startsWith(`${words[0]} `)).map((c) => c.name.split(' ')[1]);
  if (group.length === 0) return new UsageError(`unknown command '${words[0]}'`);
  return words.length > 1
    ? new UsageError(`unknown command '${words[0]} ${words[1]}' (try ${group.join(', ')})`)
    : new UsageError(`'${words[0]}' needs one of: ${group.join(', ')}`);
}

function parseError(err: unknown, command: Command): UsageError {
  const { code, message } = err as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new UsageError(`unknown option ${option} for '${command.name}'`, command.name);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (message?.includes('argument missing')) return new UsageError(`option ${option} needs a value`, command.name);
    if (message?.includes('does not take an argument'))
      return new UsageError(`option ${option} takes no value`, command.name);
  }
  return new UsageError(message ?? 'invalid command line', command.name);
}

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function parseCommandLine(argv: string[], commands: readonly Command[]): Parsed {
  // First pass: only the global options are known, so the command's words are the leading positionals.
  const loose = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  let words = loose.positionals;
  const askedHelp = loose.values.help === true || words[0] === 'help';
  if (words[0] === 'help') words = words.slice(1);
  if (words.length === 0) {
    if (askedHelp || argv.length === 0) return { kind: 'help' };
    throw new UsageError('no command given');
  }
  const command = findCommand(words, commands);
  if (!command) {
    if (askedHelp && commands.some((c) => c.name.startsWith(`${words[0]} `))) return { kind: 'help', group: words[0] };
    throw unknownCommand(words, commands);
  }
  if (askedHelp) return { kind: 'help', command };

  let strict;
  try {
    strict = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw parseError(err, command);
  }
  const depth = command.name.split(' ').length;
  const args = strict.positionals.slice(depth);
  const expected = command.args ?? [];
  if (args.length < expected.length)
    throw new UsageError(`'${command.name}' needs ${expected.join(' ')}`, command.name);
  if (args.length > expected.length)
    throw new UsageError(`unexpected argument '${args[expected.length]}'`, command.name);
  const { url, token, 'consumer-token': consumerToken, json, help: _help, ...values } = strict.values;
  return {
    kind: 'run',
    command,
    input: { values, args },
    json: json === true,
    url: single(url),
    token: single(token),
    consumerToken: single(consumerToken),
  };
}

/** A whole number within bounds, from an argument or option, or a usage error naming it. */
export function integer(text: string | undefined, what: string, min = 0): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) throw new UsageError(`${what} must be a whole number ≥ ${min}`);
  return Number(text);
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function required(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new UsageError(`missing --${option}`);
  return value;
}
