/** watch: the account's events, one line each, as they arrive. */
import { parseArgs } from 'node:util';
import type { AccountEvent } from '../../api/events-api.js';
import { CliError, EXIT_OK, UsageError } from '../io.js';
import type { CliContext } from '../context.js';

export const watchUsage =
  'watch [--json] [--since ID] [--count N]   print the account\'s events as they arrive (map saved, renamed, deleted, shares, key rotation, sessions) until interrupted, after N events, or the session ends; needs no password (events carry ids only)';

export async function watch(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, since: { type: 'string' }, count: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected ${positionals[0]}`);
  const count = values.count === undefined ? undefined : Number(values.count);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new UsageError('--count must be a positive integer');
  const config = await ctx.config.load();
  if (config.session === undefined) throw new CliError('not logged in: run `mindvault login` (or `mindvault register`)');
  const api = ctx.api(ctx.serverUrl(config));
  const stop = new AbortController();
  // Ctrl-C ends the watch cleanly (exit 0), like reaching --count.
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  let seen = 0;
  try {
    const watching = api.events.watch({
      ...(values.since !== undefined ? { lastEventId: values.since } : {}),
      signal: stop.signal,
      onState: (state) => {
        if (state === 'live') ctx.io.err('mindvault watch: live');
        if (state === 'offline') ctx.io.err('mindvault watch: disconnected, reconnecting…');
      },
      onEvent: (event, id) => {
        // `ready` says the stream is live; it is not news of the account.
        if (event.type === 'ready' || event.type === 'bye') return;
        ctx.io.out(values.json ? JSON.stringify({ id: id ?? null, ...event }) : describe(event, id));
        seen += 1;
        if (count !== undefined && seen >= count) stop.abort();
      },
    });
    await watching.done;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  return EXIT_OK;
}

/** `<id> <type> key=value …`: ids and counters only, as the server sends them. */
function describe(event: AccountEvent, id: string | undefined): string {
  const { type, ...fields } = event;
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  return [id ?? '-', type, ...rest].join(' ');
}
