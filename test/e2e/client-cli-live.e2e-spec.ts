import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestApp } from '../utils/create-test-app';

const BIN = resolve(__dirname, '../../client/bin/mindvault.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function mindvault(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Two devices of one account edit one map from the command line: merges, conflicts, and watch. */
describe('the mindvault CLI, live', () => {
  let t: TestApp;
  let work: string;
  let laptop: Record<string, string>;
  let phone: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    work = await mkdtemp(join(tmpdir(), 'mindvault-cli-live-'));
    expect((await mindvault(['--help'], {})).code).toBe(0);
    const email = `live-${randomBytes(5).toString('hex')}@example.com`;
    const device = (name: string) => ({ MINDVAULT_CONFIG_DIR: join(work, name), MINDVAULT_INSECURE_TEST_KDF: '1', MINDVAULT_PASSWORD: 'live password' });
    laptop = device('laptop');
    phone = device('phone');
    expect((await mindvault(['register', '--email', email, '--server', t.baseUrl], laptop)).code).toBe(0);
    expect((await mindvault(['login', '--email', email, '--server', t.baseUrl], phone)).code).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const doc = (a: string, b: string) => ({
    version: 1,
    root: { id: 'root', text: 'Trip', children: [{ id: 'a', text: a, children: [] }, { id: 'b', text: b, children: [] }] },
  });
  async function pushFile(env: Record<string, string>, name: string, content: unknown, extra: string[] = []): Promise<Run> {
    const file = join(work, name);
    await writeFile(file, JSON.stringify(content));
    return mindvault(['push', file, ...extra], env);
  }

  it('push --if-match on a head that moved merges edits of different nodes and saves the merge', async () => {
    const first = await pushFile(laptop, 'start.json', doc('Lisbon', 'Porto'));
    expect(first.code, first.stderr).toBe(0);
    const mapId = /^map (\S+)$/m.exec(first.stdout)![1]!;
    const v1 = /^version (\S+)$/m.exec(first.stdout)![1]!;

    const laptopEdit = await pushFile(laptop, 'laptop.json', doc('Lisboa', 'Porto'), ['--map', mapId, '--if-match', v1]);
    expect(laptopEdit.code, laptopEdit.stderr).toBe(0);
    expect(laptopEdit.stderr).not.toMatch(/merged/);
    // The phone edited v1 too, another node: its push is merged, not refused.
    const phoneEdit = await pushFile(phone, 'phone.json', doc('Lisbon', 'Oporto'), ['--map', mapId, '--if-match', v1]);
    expect(phoneEdit.code, phoneEdit.stderr).toBe(0);
    expect(phoneEdit.stderr).toMatch(/merged with its newer version/);

    const pulled = await mindvault(['pull', mapId], laptop);
    expect(JSON.parse(pulled.stdout)).toEqual(doc('Lisboa', 'Oporto'));
    const history = await mindvault(['history', mapId], laptop);
    expect(history.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('refuses, naming the node and both values, when both devices changed the same node, and saves nothing', async () => {
    const first = await pushFile(laptop, 'start2.json', doc('Lisbon', 'Porto'));
    const mapId = /^map (\S+)$/m.exec(first.stdout)![1]!;
    const v1 = /^version (\S+)$/m.exec(first.stdout)![1]!;
    expect((await pushFile(laptop, 'l2.json', doc('Lisboa', 'Porto'), ['--map', mapId, '--if-match', v1])).code).toBe(0);
    const clash = await pushFile(phone, 'p2.json', doc('Lisbonne', 'Porto'), ['--map', mapId, '--if-match', v1]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/1 conflicting change/);
    expect(clash.stderr).toContain('node a text: mine "Lisbonne", theirs "Lisboa"');
    expect((await mindvault(['history', mapId], laptop)).stdout.trim().split('\n')).toHaveLength(2);
  });

  it('watch prints the other device\'s changes as they happen, ids only', async () => {
    const child = spawn(process.execPath, [BIN, 'watch', '--count', '2'], { env: { PATH: process.env.PATH ?? '', ...phone } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('mindvault watch: live') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain('mindvault watch: live');

    const pushed = await pushFile(laptop, 'watched.json', doc('Faro', 'Braga'));
    const mapId = /^map (\S+)$/m.exec(pushed.stdout)![1]!;
    const versionId = /^version (\S+)$/m.exec(pushed.stdout)![1]!;
    expect(await exited).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d+-\\d+ map.created mapId=${mapId}$`));
    expect(lines[1]).toMatch(new RegExp(`^\\d+-\\d+ map.saved mapId=${mapId} versionId=${versionId}$`));
    expect(stdout).not.toContain('Faro');
  });
});
