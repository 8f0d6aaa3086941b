#!/usr/bin/env node
/** Process entry of the `mindvault` bin; everything testable lives in run.ts. */
import { run } from './run.js';

const exitCode = await run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exitCode = exitCode;
