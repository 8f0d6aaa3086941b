/** register, login, logout, status, passwd, rotate-keys, upgrade, delete-account. */
import { parseArgs } from 'node:util';
import { MindvaultApi } from '../../api/mindvault-api.js';
import { MemoryTokenStore } from '../../api/token-store.js';
import { TamperingError } from '../../vault/errors.js';
import { Vault } from '../../vault/vault.js';
import type { CliContext } from '../context.js';
import { ENV } from '../context.js';
import { CliError, EXIT_OK, UsageError } from '../io.js';
import { printRecoveryKit } from './recovery.js';

const serverOption = { server: { type: 'string' } } as const;
const emailOption = { email: { type: 'string' } } as const;

export const registerUsage = 'register --email EMAIL [--server URL]   create an account (password: prompt or MINDVAULT_PASSWORD); prints its recovery key';
export const loginUsage = 'login --email EMAIL [--server URL] [--code CODE]   log in on this device with email and password (and a second-factor code if the account has one)';
export const logoutUsage = 'logout                                  end the session here and on the server';
export const statusUsage = 'status                                  server, account and config directory in use';
export const passwdUsage = 'passwd                                  change the password (new one: prompt or MINDVAULT_NEW_PASSWORD)';
export const rotateKeysUsage = 'rotate-keys                             new key pairs, every map and version key re-wrapped for them';
export const deleteAccountUsage = 'delete-account --confirm EMAIL           delete the account, every map, version and share link, for good (password asked again)';
export const upgradeUsage = 'upgrade --email EMAIL [--server URL]    move an account made before v2 to the v2 formats (keys, password, titles, heads)';

export async function register(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { ...serverOption, ...emailOption }, strict: true });
  const email = ctx.email(values.email);
  const config = await ctx.config.load();
  const server = ctx.serverUrl(config, values.server);
  const password = await ctx.password(`New password for ${email}: `, ENV.password, { confirm: true });
  const options = ctx.vaultOptions();
  let recoveryWords = '';
  await startSession(ctx, server, email, async (api) => {
    const registered = await Vault.registerWithRecoveryKey(api, { email, password }, options);
    recoveryWords = registered.recoveryWords;
    return registered.vault;
  });
  ctx.io.err(`registered ${email} on ${server}; session saved in ${ctx.config.dir}`);
  printRecoveryKit(ctx, recoveryWords, email, server);
  return EXIT_OK;
}

export async function login(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { ...serverOption, ...emailOption, code: { type: 'string' } }, strict: true });
  const config = await ctx.config.load();
  const email = ctx.email(values.email ?? config.session?.email);
  const server = ctx.serverUrl(config, values.server);
  const password = await ctx.password(`Password for ${email}: `);
  const options = ctx.vaultOptions();
  const secondFactor = ctx.secondFactor(values.code);
  await startSession(ctx, server, email, (api) => Vault.login(api, { email, password, secondFactor }, options));
  ctx.io.err(`logged in as ${email} on ${server}; keys unlocked and checked`);
  return EXIT_OK;
}

/**
 * Opens the new session (the token store files it under `email`); only once that worked is a
 * previous session on this device ended on the server, best effort.
 */
async function startSession(ctx: CliContext, server: string, email: string, open: (api: MindvaultApi) => Promise<Vault>): Promise<void> {
  const previous = await ctx.config.load();
  ctx.tokens.email = email;
  const vault = await open(ctx.api(server));
  vault.lock();
  await ctx.config.update((config) => ({ ...config, server }));
  if (previous.session !== undefined) {
    const { email: _, ...tokens } = previous.session;
    const old = new MindvaultApi({ baseUrl: previous.server ?? ctx.serverUrl(previous), tokens: new MemoryTokenStore(tokens), ...(ctx.io.fetch ? { fetch: ctx.io.fetch } : {}) });
    await old.auth.logout().catch(() => undefined);
  }
}

export async function logout(args: string[], ctx: CliContext): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const config = await ctx.config.load();
  if (config.session === undefined) {
    ctx.io.err('not logged in');
    return EXIT_OK;
  }
  try {
    await ctx.api(ctx.serverUrl(config)).auth.logout();
  } finally {
    await ctx.config.update(({ session: _, ...rest }) => rest);
  }
  ctx.io.err(`logged out ${config.session.email}`);
  return EXIT_OK;
}

export async function status(args: string[], ctx: CliContext): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const config = await ctx.config.load();
  ctx.io.out(`server ${ctx.serverUrl(config)}`);
  ctx.io.out(`config ${ctx.config.file}`);
  ctx.io.out(config.session ? `account ${config.session.email}` : 'account (not logged in)');
  ctx.io.out('keys never stored: derived from the password for each command');
  return EXIT_OK;
}

export async function passwd(args: string[], ctx: CliContext): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const current = await ctx.password('Current password: ');
  const { config, vault } = await ctx.unlock(current);
  const next = await ctx.password('New password: ', ENV.newPassword, { confirm: true });
  if (next === current) throw new UsageError('the new password is the current one');
  try {
    await vault.changePassword(current, next);
  } finally {
    vault.lock();
  }
  ctx.io.err(`password changed for ${config.session?.email}; other sessions are signed out`);
  return EXIT_OK;
}

export async function rotateKeys(args: string[], ctx: CliContext): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  const { vault } = await ctx.unlock();
  try {
    const rotated = await vault.rotateKeys();
    ctx.io.out(`keyVersion ${rotated.keyVersion}`);
    ctx.io.err(`new key pairs; ${rotated.maps} map(s) re-wrapped`);
  } catch (error) {
    if (error instanceof TamperingError && error.mapId !== null) throw new CliError(rotationBlocked(error.mapId, error.sentence));
    throw error;
  } finally {
    vault.lock();
  }
  return EXIT_OK;
}

/** A rotation re-wraps every map's keys or none (the server's rule): one map that fails stops it. */
function rotationBlocked(mapId: string, sentence: string): string {
  return [
    `map ${mapId} blocks the rotation: ${sentence} (the map's key or one of its versions'), so it cannot be re-wrapped for new keys, and a rotation must re-wrap every map.`,
    'Nothing was changed: your keys and every map are as they were.',
    `To proceed: keep any copy of its content you still have (an earlier \`mindvault pull\`), delete the map with \`mindvault rm --force ${mapId}\`, then run \`mindvault rotate-keys\` again (\`mindvault ls\` marks any other map that fails).`,
  ].join('\n');
}

/**
 * Logs in allowing the v1 key derivation (only here: see VaultOptions.allowLegacyV1), which
 * upgrades keys and password at once, then brings every title and head to v2. Run on an account
 * already in v2, it just re-saves whatever title or head is still v1.
 */
export async function upgrade(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { ...serverOption, ...emailOption }, strict: true });
  const config = await ctx.config.load();
  const email = ctx.email(values.email ?? config.session?.email);
  const server = ctx.serverUrl(config, values.server);
  const password = await ctx.password(`Password for ${email}: `);
  const options = { ...ctx.vaultOptions(), allowLegacyV1: true };
  let changed = 0;
  await startSession(ctx, server, email, async (api) => {
    const vault = await Vault.login(api, { email, password }, options);
    changed = await vault.upgradeMaps();
    return vault;
  });
  ctx.io.err(`${email} is on the v2 formats; ${changed} map(s) re-saved`);
  return EXIT_OK;
}

/**
 * Erasure, for good: the account's email must be typed out in --confirm (a guard against running
 * it on the wrong session), and the password is asked for (or read from the env) and checked
 * against the keys before the server is asked. The session here is forgotten afterwards.
 */
export async function deleteAccount(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { confirm: { type: 'string' } }, strict: true });
  const config = await ctx.config.load();
  const email = config.session?.email;
  if (email === undefined) throw new CliError('not logged in: run `mindvault login` first');
  if (values.confirm === undefined) throw new UsageError(`deleting ${email} cannot be undone: repeat its email in --confirm`);
  if (values.confirm.trim().toLowerCase() !== email.trim().toLowerCase()) {
    throw new UsageError(`--confirm ${values.confirm} is not the logged-in account (${email}); nothing deleted`);
  }
  const password = await ctx.password(`Password for ${email} (deletes the account): `);
  const { vault } = await ctx.unlock(password);
  try {
    await vault.deleteAccount(password);
  } finally {
    vault.lock();
  }
  await ctx.config.update(({ session: _, ...rest }) => rest);
  ctx.io.err(`deleted ${email} and everything it held on ${ctx.serverUrl(config)}; this device is logged out`);
  return EXIT_OK;
}
