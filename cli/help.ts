/** @module The help text, generated from the command list so that it cannot miss a command. */
import type { Command } from './commands/types.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8787';

const GLOBAL = `options (every command):
  --url URL              the Worker (env CONDUIT_WORKER_URL; default ${DEFAULT_URL}, the dev stack)
  --token TOKEN          admin token (env ADMIN_TOKEN; prefer the env: flags show in the process list)
  --consumer-token TOK   consumer token for events tail (env CONSUMER_TOKEN)
  --json                 print the API's JSON instead of tables (events tail: one frame per line)
  -h, --help             help for the command

exit status: 0 ok, 1 the API or the network failed, 2 bad command line or missing token, 130 Ctrl-C`;

function line(c: Command): string {
  return `conduit-worker ${c.name}${c.usage ? ` ${c.usage}` : ''}`;
}

export function helpText(commands: readonly Command[], command?: Command, group?: string): string {
  if (command) return `usage: ${line(command)}\n\n${command.summary}\n\n${GLOBAL}`;
  const listed = group ? commands.filter((c) => c.name.startsWith(`${group} `)) : commands;
  return [
    'usage: conduit-worker <command> [options]    (or: npm run cli -- <command> [options])',
    '',
    'Operates a conduit-worker deployment through its admin API (/admin/api).',
    '',
    'commands:',
    ...listed.map((c) => `  ${c.name}${c.usage ? ` ${c.usage}` : ''}\n      ${c.summary}`),
    '',
    GLOBAL,
  ].join('\n');
}
