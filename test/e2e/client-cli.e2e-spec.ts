import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from 'otplib';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestApp } from '../utils/create-test-app';

/** The bin that `npx mindvault` runs: it (re)builds the CLI from client/src when stale. */
const BIN = resolve(__dirname, '../../client/bin/mindvault.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `mindvault` process, as a user without a terminal would (no prompts). */
function mindvault(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? tmpdir(), ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the mindvault CLI against the real server', () => {
  let t: TestApp;
  let work: string;

  beforeAll(async () => {
    t = await createTestApp();
    work = await mkdtemp(join(tmpdir(), 'mindvault-cli-'));
    // The first run may compile the CLI; do it here, outside any test's timeout.
    const built = await mindvault(['--help'], {});
    expect(built.code, built.stderr).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('registers, pushes, pulls on a second device, restores, shares and opens the link', async () => {
    const email = `cli-${randomBytes(5).toString('hex')}@example.com`;
    const password = `cli password ${randomBytes(5).toString('hex')}`;
    const marker = `CLI-MARKER-${randomBytes(8).toString('hex')}`;
    const device = (name: string, extra: Record<string, string> = {}) => ({
      MINDVAULT_CONFIG_DIR: join(work, name),
      MINDVAULT_INSECURE_TEST_KDF: '1',
      ...extra,
    });
    const laptop = device('laptop', { MINDVAULT_PASSWORD: password });
    const phone = device('phone', { MINDVAULT_PASSWORD: password });

    const registered = await mindvault(['register', '--email', email, '--server', t.baseUrl], laptop);
    expect(registered.code, registered.stderr).toBe(0);
    expect(registered.stderr).toMatch(/registered/);
    // The config holds the server and the session, never the password or key material.
    const configFile = join(work, 'laptop', 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    expect(Object.keys(config).sort()).toEqual(['server', 'session']);
    expect(Object.keys(config.session).sort()).toEqual(['accessToken', 'email', 'expiresIn', 'refreshToken', 'userId']);
    expect(JSON.stringify(config)).not.toContain(password);
    expect((await stat(configFile)).mode & 0o077).toBe(0);

    const outline = join(work, 'trip.md');
    await writeFile(outline, `Trip to Lisbon\n  - Flights\n    - ${marker}\n  - Hotels\n`);
    const pushed = await mindvault(['push', outline], laptop);
    expect(pushed.code, pushed.stderr).toBe(0);
    const mapId = /^map (\S+)$/m.exec(pushed.stdout)![1]!;
    const firstVersion = /^version (\S+)$/m.exec(pushed.stdout)![1]!;

    // A large file: progress on stderr (milestones, since stderr is not a terminal).
    const big = { version: 1, root: { id: 'root', text: 'Big map', children: [] as unknown[] } };
    for (let i = 0; i < 12_000; i++) big.root.children.push({ id: `n${i}`, text: `node ${i} ${'x'.repeat(80)}`, children: [] });
    await writeFile(join(work, 'big.json'), JSON.stringify(big));
    const bigPush = await mindvault(['push', join(work, 'big.json'), '--map', mapId, '--if-match', firstVersion], laptop);
    expect(bigPush.code, bigPush.stderr).toBe(0);
    expect(bigPush.stderr).toMatch(/uploading .* \(0%\)/);
    expect(bigPush.stderr).toMatch(/uploading .*MiB \/ .*MiB \(100%\)/);

    // Second device: a fresh config directory, only email and password.
    const login = await mindvault(['login', '--email', email, '--server', t.baseUrl], phone);
    expect(login.code, login.stderr).toBe(0);
    const listed = await mindvault(['ls'], phone);
    expect(listed.stdout).toContain(mapId);
    expect(listed.stdout).toMatch(/ 2 v .*Trip to Lisbon/);
    const bigPull = await mindvault(['pull', mapId, '-o', join(work, 'big-copy.json')], phone);
    expect(bigPull.code, bigPull.stderr).toBe(0);
    expect(bigPull.stderr).toMatch(/downloading .* \(100%\)/);
    expect(JSON.parse(await readFile(join(work, 'big-copy.json'), 'utf8'))).toEqual(big);

    const history = await mindvault(['history', mapId], phone);
    const lines = history.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/\(head\)$/);
    expect(lines[1]).toContain(firstVersion);

    // Named and pinned from this device; the name is encrypted here, and shown by history.
    const pinned = await mindvault(['pin', mapId, firstVersion, 'Before the reorg'], phone);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stderr).toContain('pinned');
    const named = (await mindvault(['history', mapId], phone)).stdout.trim().split('\n');
    expect(named[1]).toMatch(new RegExp(`^${firstVersion} .*\\(pinned\\)  "Before the reorg"$`));
    const stored = await t.db.pool.query('SELECT pinned, encrypted_label FROM map_versions WHERE id = $1', [firstVersion]);
    expect(stored.rows[0].pinned).toBe(true);
    expect(Buffer.from(stored.rows[0].encrypted_label).toString('latin1')).not.toContain('reorg');

    const restored = await mindvault(['restore', mapId, firstVersion], phone);
    expect(restored.code, restored.stderr).toBe(0);
    const pulled = await mindvault(['pull', mapId, '--format', 'outline'], phone);
    expect(pulled.stdout).toBe(`Trip to Lisbon\n  - Flights\n    - ${marker}\n  - Hotels\n`);

    // A link, opened from a third directory with no account and no password.
    const shared = await mindvault(['share', mapId, '--expires', '1d'], phone);
    expect(shared.code, shared.stderr).toBe(0);
    const link = shared.stdout.trim();
    expect(link).toMatch(new RegExp(`^${t.baseUrl}/s/[^#]+#[A-Za-z0-9_-]{43}$`));
    const opened = await mindvault(['open', link], device('stranger'));
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.stdout).root.children[0].children[0].text).toBe(marker);
    expect(opened.stderr).toContain('opened "Trip to Lisbon"');

    // Without the fragment the link is useless.
    const keyless = await mindvault(['open', link.split('#')[0]!], device('stranger'));
    expect(keyless.code).toBe(1);
  });

  it('says what is wrong: wrong password, no password, not logged in, bad usage', async () => {
    const email = `cli-${randomBytes(5).toString('hex')}@example.com`;
    const env = { MINDVAULT_CONFIG_DIR: join(work, 'errors'), MINDVAULT_INSECURE_TEST_KDF: '1' };
    const notLoggedIn = await mindvault(['ls'], env);
    expect(notLoggedIn.code).toBe(1);
    expect(notLoggedIn.stderr).toMatch(/not logged in/);

    const noPassword = await mindvault(['register', '--email', email, '--server', t.baseUrl], env);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toMatch(/no password: set MINDVAULT_PASSWORD/);

    expect((await mindvault(['register', '--email', email, '--server', t.baseUrl], { ...env, MINDVAULT_PASSWORD: 'right' })).code).toBe(0);
    const wrong = await mindvault(['ls'], { ...env, MINDVAULT_PASSWORD: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong password/);
    const badLogin = await mindvault(['login', '--email', email, '--server', t.baseUrl], { ...env, MINDVAULT_PASSWORD: 'wrong' });
    expect(badLogin.code).toBe(1);
    expect(badLogin.stderr).toMatch(/mindvault login: wrong email or password/);

    const usage = await mindvault(['pull'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/expected ID/);
  });

  it('deletes the account only when its email is repeated and the password is right, then forgets the session', async () => {
    const email = `cli-${randomBytes(5).toString('hex')}@example.com`;
    const env = { MINDVAULT_CONFIG_DIR: join(work, 'leaving'), MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'leaving soon' };
    expect((await mindvault(['register', '--email', email, '--server', t.baseUrl], env)).code).toBe(0);
    await writeFile(join(work, 'leaving.md'), 'Goodbye\n  - all of it\n');
    expect((await mindvault(['push', join(work, 'leaving.md')], env)).code).toBe(0);
    const userId = JSON.parse(await readFile(join(work, 'leaving', 'config.json'), 'utf8')).session.userId as string;
    const rowsOfUser = async () => Number((await t.db.pool.query('SELECT count(*) AS n FROM mind_maps WHERE owner_id = $1', [userId])).rows[0].n);

    const unconfirmed = await mindvault(['delete-account'], env);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/cannot be undone: repeat its email in --confirm/);
    const mistyped = await mindvault(['delete-account', '--confirm', `x${email}`], env);
    expect(mistyped.code).toBe(2);
    expect(mistyped.stderr).toMatch(/is not the logged-in account/);
    const wrongPassword = await mindvault(['delete-account', '--confirm', email], { ...env, MINDVAULT_PASSWORD: 'not it' });
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.stderr).toMatch(/wrong password/);
    expect(await rowsOfUser()).toBe(1);

    const deleted = await mindvault(['delete-account', '--confirm', email.toUpperCase()], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toMatch(/deleted .* this device is logged out/);
    expect(await rowsOfUser()).toBe(0);
    expect((await t.db.pool.query('SELECT 1 FROM users WHERE id = $1', [userId])).rowCount).toBe(0);
    expect(JSON.parse(await readFile(join(work, 'leaving', 'config.json'), 'utf8')).session).toBeUndefined();
    const login = await mindvault(['login', '--email', email, '--server', t.baseUrl], env);
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/wrong email or password/);
  });

  it('adds a TOTP second factor, logs in with a code or a backup code, and removes it', async () => {
    const email = `cli-${randomBytes(5).toString('hex')}@example.com`;
    const env = { MINDVAULT_CONFIG_DIR: join(work, 'two-step'), MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'two steps ahead' };
    const codeAt = (secret: string, offsetS: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetS });
    const login = (extra: string[] = [], more: Record<string, string> = {}) => mindvault(['login', '--email', email, '--server', t.baseUrl, ...extra], { ...env, ...more });
    expect((await mindvault(['register', '--email', email, '--server', t.baseUrl], env)).code).toBe(0);

    const enabled = await mindvault(['2fa', 'enable'], env);
    expect(enabled.code, enabled.stderr).toBe(0);
    const secret = /^secret ([A-Z2-7]+)$/m.exec(enabled.stdout)![1]!;
    expect(enabled.stdout).toMatch(/^uri otpauth:\/\/totp\//m);
    expect(enabled.stderr).toMatch(/[\u2580\u2584\u2588]/);
    const confirmed = await mindvault(['2fa', 'confirm', await codeAt(secret, 0)], env);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    const backupCodes = confirmed.stdout.trim().split('\n');
    expect(backupCodes).toHaveLength(10);

    const noCode = await login();
    expect(noCode.code).toBe(1);
    expect(noCode.stderr).toMatch(/second factor: pass --code or set MINDVAULT_TOTP_CODE/);
    const withCode = await login(['--code', await codeAt(secret, 30)]);
    expect(withCode.code, withCode.stderr).toBe(0);
    const withBackup = await login([], { MINDVAULT_TOTP_CODE: backupCodes[0]! });
    expect(withBackup.code, withBackup.stderr).toBe(0);
    const reused = await login([], { MINDVAULT_TOTP_CODE: backupCodes[0]! });
    expect(reused.code).toBe(1);
    expect((await mindvault(['2fa', 'status'], env)).stdout.trim()).toBe('totp on, 9 backup code(s) left');

    const disabled = await mindvault(['2fa', 'disable', '--code', backupCodes[1]!], env);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect((await login()).code).toBe(0);
    expect((await mindvault(['2fa', 'status'], env)).stdout.trim()).toBe('totp off');
  });
  it('prints a recovery key at registration, resets a forgotten password with it, and makes a new one', async () => {
    const email = `cli-${randomBytes(5).toString('hex')}@example.com`;
    const env = { MINDVAULT_CONFIG_DIR: join(work, 'recovery'), MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'soon forgotten' };
    const registered = await mindvault(['register', '--email', email, '--server', t.baseUrl], env);
    expect(registered.code, registered.stderr).toBe(0);
    const words = registered.stdout.trim();
    expect(words.split(' ')).toHaveLength(12);
    expect(registered.stderr).toContain(`Recovery key for ${email} on ${t.baseUrl}`);
    const outline = join(work, 'recovered.md');
    await writeFile(outline, 'Rückblick 2026\n  - Ideen\n');
    const pushed = await mindvault(['push', outline], env);
    expect(pushed.code, pushed.stderr).toBe(0);
    const mapId = /^map (\S+)$/m.exec(pushed.stdout)![1]!;

    const recover = (recoveryWords: string) =>
      mindvault(['recover', '--email', email, '--server', t.baseUrl], { ...env, MINDVAULT_PASSWORD: '', MINDVAULT_RECOVERY_WORDS: recoveryWords, MINDVAULT_NEW_PASSWORD: 'remembered now' });
    const wrong = await recover('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not the recovery key of this account/);
    const recovered = await recover(words);
    expect(recovered.code, recovered.stderr).toBe(0);
    const replacement = recovered.stdout.trim();
    expect(replacement.split(' ')).toHaveLength(12);
    expect(replacement).not.toBe(words);
    expect((await recover(words)).code).toBe(1);

    const after = { ...env, MINDVAULT_PASSWORD: 'remembered now' };
    expect((await mindvault(['login', '--email', email, '--server', t.baseUrl], env)).code).toBe(1);
    expect((await mindvault(['login', '--email', email, '--server', t.baseUrl], after)).code).toBe(0);
    const pulled = await mindvault(['pull', mapId], after);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout).root).toMatchObject({ text: 'Rückblick 2026', children: [{ text: 'Ideen' }] });
    expect((await mindvault(['recovery-key', 'status'], after)).stdout).toMatch(/^recovery key set /);
    const renewed = await mindvault(['recovery-key', 'new'], after);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect((await recover(replacement)).code).toBe(1);
    expect((await recover(renewed.stdout.trim())).code).toBe(0);
  });

  it('exports the whole account as a zip with every version, and as an encrypted backup another account restores', async () => {
    const email = `cli-${randomBytes(5).toString('hex')}@example.com`;
    const env = { MINDVAULT_CONFIG_DIR: join(work, 'export'), MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'take it with me' };
    expect((await mindvault(['register', '--email', email, '--server', t.baseUrl], env)).code).toBe(0);
    const outline = join(work, 'Straße.md');
    await writeFile(outline, 'Straße\n  - eins\n');
    const pushed = await mindvault(['push', outline], env);
    const mapId = /^map (\S+)$/m.exec(pushed.stdout)![1]!;
    await writeFile(outline, 'Straße\n  - zwei\n');
    expect((await mindvault(['push', outline, '--map', mapId], env)).code).toBe(0);
    const target = join(work, 'everything.zip');
    const exported = await mindvault(['export-account', '-o', target, '--versions'], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.trim()).toBe(target);
    expect(exported.stderr).toMatch(/exported map 1 of 1/);
    expect((await stat(target)).mode & 0o077).toBe(0);
    const files = unzipSync(await readFile(target));
    expect(strFromU8(files['maps/Straße/Straße.md']!)).toBe('# Straße\n\n- zwei\n');
    expect(Object.keys(files).filter((name) => name.startsWith('maps/Straße/versions/') && name.endsWith('.json'))).toHaveLength(2);

    // The encrypted backup, restored into another account with the first one's password.
    const backupFile = join(work, 'everything.backup');
    const backedUp = await mindvault(['backup', '-o', backupFile], env);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(await readFile(backupFile, 'utf8')).not.toContain('Straße');
    const other = { MINDVAULT_CONFIG_DIR: join(work, 'import'), MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'another account' };
    expect((await mindvault(['register', '--email', `cli-${randomBytes(5).toString('hex')}@example.com`, '--server', t.baseUrl], other)).code).toBe(0);
    const wrong = await mindvault(['import-backup', backupFile], { ...other, MINDVAULT_BACKUP_PASSWORD: 'not it' });
    expect(wrong.code).toBe(1);
    const imported = await mindvault(['import-backup', backupFile], { ...other, MINDVAULT_BACKUP_PASSWORD: 'take it with me' });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('maps 1\nversions 2\n');
    const listed = await mindvault(['ls'], other);
    expect(listed.stdout).toMatch(/ 2 v .*Straße/);
  });
});
