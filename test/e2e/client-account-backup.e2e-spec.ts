import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, MindvaultApi, TamperingError, Vault, WrongPasswordError } from '../../client/src/index';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { collectLines, doc, FAST_KDF, linesOf } from '../utils/sdk';

/** The encrypted backup: made on one server, restored into another account on another server. */
describe('client SDK: encrypted account backup', () => {
  let source: TestApp;
  let target: TestApp;

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestApp(), createTestApp()]);
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  const account = (app: TestApp) => ({
    api: new MindvaultApi({ baseUrl: app.baseUrl }),
    creds: { email: `bak-${randomBytes(6).toString('hex')}@example.com`, password: `pw ${randomBytes(6).toString('hex')}` },
  });
  /** Each map's title with its versions oldest first: text, pin and name. */
  async function contents(vault: Vault) {
    const maps = await vault.listMaps();
    const out: Record<string, { text: string; pinned: boolean; label: string | null }[]> = {};
    for (const map of maps) {
      const history = (await vault.history(map.id)).reverse();
      out[map.title] = await Promise.all(
        history.map(async (h) => ({ text: (await vault.pull(map.id, { versionId: h.versionId })).document.root.children[0]!.text, pinned: h.pinned, label: h.label })),
      );
    }
    return out;
  }

  it('restores every map with its history, pins and names into another account on another server, with the password or the recovery key', async () => {
    const owner = account(source);
    const vault = await Vault.register(owner.api, owner.creds, FAST_KDF);
    const lisbon = await vault.createMap({ title: 'Ideen für Lissabon ✈' });
    const v1 = await vault.push(lisbon.id, doc('erste'));
    const v2 = await vault.push(lisbon.id, doc('zweite'), { ifMatch: v1.versionId });
    await vault.push(lisbon.id, doc('dritte'), { ifMatch: v2.versionId });
    await vault.markVersion(lisbon.id, v1.versionId, { pinned: true, label: 'Vor der Reise 🧳' });
    const tokyo = await vault.createMap({ title: '東京' });
    await vault.push(tokyo.id, doc('寿司'));
    // Rotated keys (every version envelope re-wrapped) and a recovery key made afterwards.
    await vault.rotateKeys();
    const words = await vault.createRecoveryKey(owner.creds.password);
    const expected = await contents(vault);
    expect(expected['Ideen für Lissabon ✈']).toEqual([
      { text: 'erste', pinned: true, label: 'Vor der Reise 🧳' },
      { text: 'zweite', pinned: false, label: null },
      { text: 'dritte', pinned: false, label: null },
    ]);

    const progress: string[] = [];
    const lines = await collectLines(vault.exportBackup({ onProgress: (p) => progress.push(`${p.maps}/${p.versions}`) }));
    expect(progress.at(-1)).toBe('2/4');
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'header', format: 'mindvault-backup', formatVersion: 1, keyVersion: 2, recovery: { keyVersion: 2 } });
    expect(JSON.parse(lines.at(-1)!)).toEqual({ type: 'end', maps: 2, versions: 4 });
    // Ciphertext only: no title, no text, no name.
    for (const secret of ['Lissabon', 'erste', 'dritte', '寿司', 'Reise', owner.creds.password]) expect(lines.join('')).not.toContain(secret);

    const byPassword = account(target);
    const restored = await Vault.register(byPassword.api, byPassword.creds, FAST_KDF);
    await expect(restored.importBackup(linesOf(lines), { password: 'not the password' })).rejects.toBeInstanceOf(WrongPasswordError);
    expect(await restored.importBackup(linesOf(lines), { password: owner.creds.password })).toEqual({ maps: 2, versions: 4 });
    expect(await contents(restored)).toEqual(expected);

    const byRecovery = account(target);
    const recovered = await Vault.register(byRecovery.api, byRecovery.creds, FAST_KDF);
    await expect(recovered.importBackup(linesOf(lines), { recoveryWords: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about' })).rejects.toBeInstanceOf(WrongPasswordError);
    await recovered.importBackup(linesOf(lines), { recoveryWords: words });
    expect(await contents(recovered)).toEqual(expected);
  });

  it('refuses a changed record, a file cut short and a file that is no backup', async () => {
    const owner = account(source);
    const vault = await Vault.register(owner.api, owner.creds, FAST_KDF);
    const map = await vault.createMap({ title: 'Fragile' });
    await vault.push(map.id, doc('one'));
    const lines = await collectLines(vault.exportBackup());
    const into = await Vault.register(account(target).api, account(target).creds, FAST_KDF);

    const version = JSON.parse(lines[2]!);
    const blob = Buffer.from(version.blob, 'base64');
    blob[blob.length - 1] ^= 1;
    const changed = [...lines.slice(0, 2), `${JSON.stringify({ ...version, blob: blob.toString('base64') })}\n`, ...lines.slice(3)];
    await expect(into.importBackup(linesOf(changed), { password: owner.creds.password })).rejects.toBeInstanceOf(TamperingError);
    await expect(into.importBackup(linesOf(lines.slice(0, -1)), { password: owner.creds.password })).rejects.toThrow(/ends before its last record/);
    await expect(into.importBackup(linesOf(['{"hello":"world"}\n']), { password: owner.creds.password })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
