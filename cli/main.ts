/**
 * @module The CLI as a function of its arguments and an `Io`: parse, resolve the URL and tokens (flags, then env),
 * run the command, and turn every failure into one line on stderr and an exit status (errors.ts). Tokens are
 * scrubbed from anything printed on stderr as a last guard; no message is built from them in the first place.
 */
import { AdminApi, displayOrigin } from './api.ts';
import { parseCommandLine } from './args.ts';
import { COMMANDS } from './commands/index.ts';
import type { Ctx, Io } from './commands/types.ts';
import { CliFailure, EXIT_FAILED, EXIT_OK, EXIT_USAGE, oneLine, UsageError } from './errors.ts';
import { DEFAULT_URL, helpText } from './help.ts';

function baseUrl(given: string): URL {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError('--url (or CONDUIT_WORKER_URL) is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError('--url (or CONDUIT_WORKER_URL) must be an http or https URL');
  return new URL(displayOrigin(url));
}

/** Token flags' values straight from argv, so that even a command line that fails to parse cannot echo them. */
function flagSecrets(argv: readonly string[]): string[] {
  const found: string[] = [];
  argv.forEach((arg, i) => {
    const m = /^--(?:consumer-)?token(?:=(.*))?$/.exec(arg);
    if (m) found.push(m[1] ?? argv[i + 1] ?? '');
  });
  return found;
}

function scrub(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const secrets: (string | undefined)[] = [io.env.ADMIN_TOKEN, io.env.CONSUMER_TOKEN, ...flagSecrets(argv)];
  let hint = 'conduit-worker --help';
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if (parsed.kind === 'help') {
      io.stdout(helpText(COMMANDS, parsed.command, parsed.group));
      return EXIT_OK;
    }
    const { command } = parsed;
    hint = `conduit-worker ${command.name} --help`;
    // An empty variable counts as unset, as shells make it easy to export one by mistake.
    const base = baseUrl(parsed.url ?? (io.env.CONDUIT_WORKER_URL || DEFAULT_URL));
    const adminToken = parsed.token ?? (io.env.ADMIN_TOKEN || undefined);
    const consumerToken = parsed.consumerToken ?? (io.env.CONSUMER_TOKEN || undefined);
    let api: AdminApi | undefined;
    const ctx: Ctx = {
      io,
      json: parsed.json,
      base,
      hasAdminToken: Boolean(adminToken),
      api() {
        if (!adminToken) throw new UsageError('no admin token: set ADMIN_TOKEN or pass --token');
        api ??= new AdminApi(base, adminToken, io.fetch);
        return api;
      },
      consumerTokenIfAny: () => consumerToken,
      emit(data, human) {
        io.stdout(parsed.json ? JSON.stringify(data, null, 2) : human(data));
      },
    };
    return (await command.run(ctx, parsed.input)) ?? EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.command) hint = `conduit-worker ${err.command} --help`;
      io.stderr(`conduit-worker: ${scrub(err.message, secrets)} (see ${hint})`);
      return EXIT_USAGE;
    }
    const message = err instanceof CliFailure ? err.message : `unexpected error: ${oneLine(String(err))}`;
    io.stderr(`conduit-worker: ${scrub(message, secrets)}`);
    return EXIT_FAILED;
  }
}
