/** The CLI's command line (cli/args.ts): finding the command, strict per-command options, and usage errors. */
import { describe, expect, it } from 'vitest';
import { integer, parseCommandLine } from '../../cli/args.ts';
import { COMMANDS } from '../../cli/commands/index.ts';
import { UsageError } from '../../cli/errors.ts';

function run(argv: string[]) {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind !== 'run') throw new Error(`expected a command, got ${parsed.kind}`);
  return parsed;
}

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv, COMMANDS);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('finds one- and two-word commands with their arguments and options', () => {
    expect(run(['status']).command.name).toBe('status');
    const scale = run(['scale', '4', '--endpoint', 'second']);
    expect([scale.command.name, scale.input.args, scale.input.values.endpoint]).toEqual(['scale', ['4'], 'second']);
    const add = run(['maintenance', 'add', '--endpoint', 'e', '--starts-at', 'now', '--ends-at', '+1h', '--compact']);
    expect(add.command.name).toBe('maintenance add');
    expect(add.input.values).toMatchObject({ endpoint: 'e', 'starts-at': 'now', 'ends-at': '+1h', compact: true });
  });

  it('takes global options before or after the command, and keeps them out of the command’s values', () => {
    const p = run(['--json', '--url', 'http://x:1', 'shards', '--status', 'enabled', '--token', 't0k']);
    expect(p).toMatchObject({ json: true, url: 'http://x:1', token: 't0k', consumerToken: undefined });
    expect(p.input.values).toEqual({ status: 'enabled' });
  });

  it('collects repeated options where a command allows them', () => {
    const p = run(['events', 'tail', '--type', 'a.b', '--type', 'c.d', '--broadcaster', '1', '--limit', '3']);
    expect(p.input.values).toEqual({ type: ['a.b', 'c.d'], broadcaster: ['1'], limit: '3' });
  });

  it('answers help for no arguments, --help, -h and `help`, for the tool, a group or a command', () => {
    expect(parseCommandLine([], COMMANDS)).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--help'], COMMANDS)).toEqual({ kind: 'help' });
    expect(parseCommandLine(['maintenance', '--help'], COMMANDS)).toEqual({ kind: 'help', group: 'maintenance' });
    const cmd = parseCommandLine(['help', 'scale'], COMMANDS);
    expect(cmd.kind === 'help' && cmd.command?.name).toBe('scale');
    const short = parseCommandLine(['subscriptions', 'add', '-h'], COMMANDS);
    expect(short.kind === 'help' && short.command?.name).toBe('subscriptions add');
  });

  it('refuses unknown commands, naming a group’s subcommands', () => {
    expect(usageError(['frobnicate'])).toBe("unknown command 'frobnicate'");
    expect(usageError(['maintenance'])).toBe("'maintenance' needs one of: add, list, cancel");
    expect(usageError(['subscriptions', 'purge'])).toBe(
      "unknown command 'subscriptions purge' (try list, add, remove)",
    );
    expect(usageError(['--json'])).toBe('no command given');
  });

  it('refuses an option the command does not take, even one another command takes', () => {
    expect(usageError(['status', '--status', 'enabled'])).toBe("unknown option --status for 'status'");
    expect(usageError(['scale', '3', '--dry-run'])).toBe("unknown option --dry-run for 'scale'");
  });

  it('refuses missing option values, values on flags, and wrong argument counts', () => {
    expect(usageError(['shards', '--status'])).toBe('option --status needs a value');
    expect(usageError(['status', '--json=yes'])).toBe('option --json takes no value');
    expect(usageError(['scale'])).toBe("'scale' needs N");
    expect(usageError(['remove-shard', '1', '2'])).toBe("unexpected argument '2'");
    expect(usageError(['status', 'now'])).toBe("unexpected argument 'now'");
  });
});

describe('integer', () => {
  it('accepts whole numbers within bounds and refuses the rest by name', () => {
    expect(integer('12', 'N', 1)).toBe(12);
    expect(integer(undefined, 'N')).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', '1e3', ' 2', '', 'ten'])
      expect(() => integer(bad, 'N', 1)).toThrow(new UsageError('N must be a whole number ≥ 1'));
  });
});
