import { randomBytes } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument, MindvaultApi, type MindMapDocument, Vault } from '../../client/src/index';
import { FAST_KDF } from '../../test/utils/sdk';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { CHROMIUM_AVAILABLE, newPerson, type Person } from './support/browser';
import { browserSuite } from './support/browser-suite';
import { heapDuring } from './support/heap';
import { readOpfsFile, savePickerRequests, withOpfsSavePicker } from './support/save-picker';

const MAPS = 10;
/** As many as a free account keeps of a map. */
const VERSIONS_PER_MAP = 10;
const MiB = 1024 * 1024;

/**
 * 320 KiB of text that deflate barely shrinks (10 nodes of 32 KiB of random base64). Many versions
 * of a middling document rather than a few of a huge one: the SDK holds one version's texts and
 * buffers at a time, some tens of times the document, so what tells streaming from holding is how
 * many versions the export has.
 */
function bulkyDocument(): MindMapDocument {
  const document = createDocument('Bulk');
  for (let n = 0; n < 10; n++) document.root.children.push({ id: `n${n}`, text: randomBytes(24 * 1024).toString('base64'), children: [] });
  return document;
}

/** Whole-account exports stream into the file the person picked: the page never holds the export. */
describe.skipIf(!CHROMIUM_AVAILABLE)('exporting a large account', () => {

  const suite = browserSuite();
  const email = 'large-account@example.com';
  const password = 'many maps many versions';
  /** Per map, in order: its title and the first node's text of each version. */
  const written: { title: string; firstTexts: string[] }[] = [];

  beforeAll(async () => {
    const vault = await Vault.register(new MindvaultApi({ baseUrl: suite.server.baseUrl }), { email, password }, FAST_KDF);
    for (let m = 0; m < MAPS; m++) {
      const title = `Bulk ${String(m + 1).padStart(2, '0')}`;
      const map = await vault.createMap({ title });
      const firstTexts: string[] = [];
      for (let v = 0; v < VERSIONS_PER_MAP; v++) {
        const document = bulkyDocument();
        firstTexts.push(document.root.children[0]!.text);
        await vault.push(map.id, document);
      }
      written.push({ title, firstTexts });
    }
  }, 300_000);

  const signedIn = async (): Promise<{ person: Person; account: AccountPage }> => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    await withOpfsSavePicker(person.context);
    await new AuthPages(person.page).login(email, password);
    const account = new AccountPage(person.page);
    await account.open();
    return { person, account };
  };

  it('writes the zip with every version, then the encrypted backup, piece by piece into the picked file; the page holds neither', async () => {
    const { person, account } = await signedIn();
    const page = person.page;

    const zipHeap = await heapDuring(page, async () => {
      await account.startExport(true);
      await account.savedText('zip');
    });
    const [zipRequest] = await savePickerRequests(page);
    expect(zipRequest).toEqual({ suggestedName: 'mindvault-large-account-example-com-' + new Date().toISOString().slice(0, 10) + '.zip', types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }] });
    const zip = await readOpfsFile(page, zipRequest!.suggestedName);
    const zipGrowth = zipHeap.peak - zipHeap.before;
    console.info(`zip export: ${(zip.length / MiB).toFixed(1)} MiB written; page's live JS memory (heap + array buffers) peaked ${(zipGrowth / MiB).toFixed(1)} MiB above its ${(zipHeap.before / MiB).toFixed(1)} MiB before`);
    expect(zip.length).toBeGreaterThan(30 * MiB);
    expect(zipGrowth).toBeLessThan(zip.length / 3);

    // The whole archive: every map's current files, every version's, and the manifest.
    const files = unzipSync(zip);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { maps: { title: string; versions: { path: string }[] }[] };
    expect(manifest.maps.map((map) => map.title).sort()).toEqual(written.map((map) => map.title));
    expect(Object.keys(files)).toHaveLength(1 + MAPS * (1 + VERSIONS_PER_MAP) * 3);
    for (const map of written) {
      const versions = manifest.maps.find((entry) => entry.title === map.title)!.versions;
      expect(versions).toHaveLength(VERSIONS_PER_MAP);
      // The history lists the newest first.
      const firstTexts = versions.map((version) => (JSON.parse(strFromU8(files[`${version.path}.json`]!)) as MindMapDocument).root.children[0]!.text);
      expect(firstTexts.reverse()).toEqual(map.firstTexts);
    }

    const backupHeap = await heapDuring(page, async () => {
      await account.startBackup();
      await account.savedText('backup');
    });
    const backupRequest = (await savePickerRequests(page))[1]!;
    expect(backupRequest.suggestedName).toMatch(/^mindvault-large-account-example-com-\d{4}-\d{2}-\d{2}\.backup$/);
    const backup = await readOpfsFile(page, backupRequest.suggestedName);
    const backupGrowth = backupHeap.peak - backupHeap.before;
    console.info(`backup: ${(backup.length / MiB).toFixed(1)} MiB written; page's live JS memory peaked ${(backupGrowth / MiB).toFixed(1)} MiB above its ${(backupHeap.before / MiB).toFixed(1)} MiB before`);
    expect(backup.length).toBeGreaterThan(20 * MiB);
    expect(backupGrowth).toBeLessThan(backup.length / 3);

    const lines = backup.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(lines[0]).toMatchObject({ type: 'header', format: 'mindvault-backup', email });
    expect(lines.filter((line) => line.type === 'version')).toHaveLength(MAPS * VERSIONS_PER_MAP);
    expect(lines.at(-1)).toMatchObject({ type: 'end', maps: MAPS });
    expect(backup.includes(written[0]!.firstTexts[0]!)).toBe(false);
    expect(person.errors).toEqual([]);
    await person.context.close();
  }, 240_000);

  it('does nothing when the picker is cancelled, and leaves an empty file, not half a zip, when the export fails', async () => {
    const { person, account } = await signedIn();
    const page = person.page;

    // Cancelling the picker is the person's choice, not a failure: no message, no file.
    await page.evaluate(() => {
      const picker = (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker;
      Object.assign(window, { showSaveFilePicker: async () => Promise.reject(new DOMException('The user aborted a request.', 'AbortError')), __picker: picker });
    });
    await account.startExport(false);
    await page.waitForTimeout(500);
    expect(await page.getByRole('region', { name: 'Export everything' }).getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Export everything' }).getByRole('status').count()).toBe(0);
    expect(await account.exportIdle()).toBe(true);
    await page.evaluate(() => Object.assign(window, { showSaveFilePicker: (window as unknown as { __picker: unknown }).__picker }));

    // The fourth version download fails: the export stops with the error, and the picked file
    // stays as the picker left it (empty), not a truncated archive that looks whole.
    let downloads = 0;
    await page.route('**/api/mindmaps/*/blob**', async (route) => {
      if (route.request().method() === 'GET' && ++downloads === 4) await route.abort('failed');
      else await route.continue();
    });
    await account.startExport(true);
    expect(await account.exportError()).not.toBe('');
    const [request] = await savePickerRequests(page);
    expect((await readOpfsFile(page, request!.suggestedName)).length).toBe(0);
    expect(await account.exportIdle()).toBe(true);
    await person.context.close();
  });
});
