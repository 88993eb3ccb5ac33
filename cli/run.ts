/**
 * @module The CLI in a real process: stdout/stderr, the environment, global fetch and SIGINT as its `Io`. A closed
 * stdout pipe (`| head`) ends the process quietly, as Unix tools do.
 */
import type { Io } from './commands/types.ts';
import { main } from './main.ts';

export function processIo(): Io {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return {
    stdout: (text) => void process.stdout.write(`${text}\n`),
    stderr: (text) => void process.stderr.write(`${text}\n`),
    env: process.env,
    fetch: (input, init) => fetch(input, init),
    onInterrupt(handler) {
      process.once('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
  };
}

export function run(argv: string[]): Promise<number> {
  return main(argv, processIo());
}
