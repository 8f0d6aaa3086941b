import 'reflect-metadata';
import { EmbeddedStartRefused } from './database/embedded-postgres-placement';
import { ConfigError } from './config/app-config';
import { runCli } from './cli/run-cli';

/** The operator's command line: `npm run cli -- promote EMAIL`. */
runCli(process.argv.slice(2), process.env, { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A refusal the operator must act on is printed as its message alone, without a stack.
    console.error(error instanceof ConfigError || error instanceof EmbeddedStartRefused ? error.message : error);
    process.exit(1);
  },
);
