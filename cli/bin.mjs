#!/usr/bin/env node
// @module `npx conduit-worker` and `npm run cli --`: runs the TypeScript CLI (cli/run.ts) through the installed tsx.
// The exit status is set rather than forced with process.exit(), so piped output is flushed first.
import { tsImport } from 'tsx/esm/api';

const { run } = await tsImport('./run.ts', import.meta.url);
process.exitCode = await run(process.argv.slice(2));
