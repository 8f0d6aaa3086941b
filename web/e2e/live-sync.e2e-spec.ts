/**
 * Two devices on one account, both with the same map open: changes arrive by themselves and
 * merge instead of colliding; a device taken offline keeps its edits (also across a reload) and
 * merges them when it comes back; the maps list follows; rotating the keys on one locks the other.
 * Every wait is on a condition (generous timeouts), never on a fixed delay.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson, type Person, screenshot } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { browserSuite } from './support/browser-suite';

const EMAIL = 'grace@example.com';
const PASSWORD = 'two devices, one map';
const NEW_PASSWORD = 'a new password for both';
const TITLE = 'Launch plan';
/** Another device's save shows up well within this (the goal is a second). */
const ARRIVES_MS = 15_000;

describe.skipIf(!CHROMIUM_AVAILABLE)('two devices editing one map, live', () => {
  let laptop: Person;
  let phone: Person;
  let laptopEditor: EditorPage;
  let phoneEditor: EditorPage;
  let laptopTraffic: ReturnType<typeof captureTraffic>;
  let phoneTraffic: ReturnType<typeof captureTraffic>;
  const secrets = [PASSWORD, TITLE];

  const suite = browserSuite();
  beforeAll(async () => {
    laptop = await newPerson(suite.browser, suite.server.baseUrl);
    phone = await newPerson(suite.browser, suite.server.baseUrl);
    laptopTraffic = captureTraffic(laptop.context);
    phoneTraffic = captureTraffic(phone.context);
    await new AuthPages(laptop.page).register(EMAIL, PASSWORD);
    await new MapsPage(laptop.page).createMap(TITLE);
    laptopEditor = new EditorPage(laptop.page);
    await laptopEditor.loaded();
    await laptopEditor.addChild('Venue');
    await laptopEditor.select('Venue');
    await laptopEditor.addSibling('Budget');
    await laptopEditor.waitForSaveState('saved');

    await new AuthPages(phone.page).login(EMAIL, PASSWORD);
    await new MapsPage(phone.page).open(TITLE);
    phoneEditor = new EditorPage(phone.page);
    await phoneEditor.loaded();
    await phoneEditor.waitForNode('Budget');
  });

  it("shows another device's save by itself, with no reload", async () => {
    await laptopEditor.select('Venue');
    await laptopEditor.editSelected('Venue: Lisbon');
    await phoneEditor.waitForNode('Venue: Lisbon', ARRIVES_MS);
    expect(await phoneEditor.saveState()).toBe('saved');
    secrets.push('Venue: Lisbon');
  });

  it('merges edits of different nodes made at the same time: both in both views, no dialog', async () => {
    await Promise.all([laptopEditor.select('Venue: Lisbon'), phoneEditor.select('Budget')]);
    await Promise.all([laptopEditor.editSelected('Venue: Porto'), phoneEditor.editSelected('Budget: 10k')]);
    for (const editor of [laptopEditor, phoneEditor]) {
      await editor.waitForNode('Venue: Porto', ARRIVES_MS);
      await editor.waitForNode('Budget: 10k', ARRIVES_MS);
      await editor.waitForSaveState('saved', ARRIVES_MS);
    }
    expect(await laptopEditor.conflictDialog().count()).toBe(0);
    expect(await phoneEditor.conflictDialog().count()).toBe(0);
    // The selection survived the merge, and undo takes back this device's edit only.
    expect(await phoneEditor.node('Budget: 10k').getAttribute('aria-selected')).toBe('true');
    await phoneEditor.undo();
    await phoneEditor.waitForNode('Budget');
    expect(await phoneEditor.nodeTexts()).toContain('Venue: Porto');
    await laptopEditor.waitForNode('Budget', ARRIVES_MS);
    await phoneEditor.redo();
    for (const editor of [phoneEditor, laptopEditor]) {
      await editor.waitForNode('Budget: 10k', ARRIVES_MS);
      expect(await editor.nodeTexts()).toContain('Venue: Porto');
      await editor.waitForSaveState('saved', ARRIVES_MS);
    }
    secrets.push('Venue: Porto', 'Budget: 10k');
  });

  it("asks about the same node's text changed on both, once, for that node only, showing both values", async () => {
    await Promise.all([laptopEditor.select('Budget: 10k'), phoneEditor.select('Budget: 10k')]);
    await Promise.all([laptopEditor.editSelected('Budget: 12k'), phoneEditor.editSelected('Budget: 9k')]);
    // Whichever saved second learns of the other's save and asks.
    const asked = await Promise.race([
      laptopEditor.conflictDialog().waitFor({ timeout: ARRIVES_MS }).then(() => ({ person: laptop, editor: laptopEditor })),
      phoneEditor.conflictDialog().waitFor({ timeout: ARRIVES_MS }).then(() => ({ person: phone, editor: phoneEditor })),
    ]);
    const dialog = asked.editor.conflictDialog();
    expect(await dialog.getByRole('group').count()).toBe(1);
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Budget: 12k');
    expect(text).toContain('Budget: 9k');
    await screenshot(asked.person.page, 'node-conflict');
    // The preselected, focused choice keeps both texts: nothing is lost.
    expect(await dialog.getByRole('radio', { name: 'Keep both texts' }).isChecked()).toBe(true);
    await asked.editor.settleConflicts();
    const other = asked.editor === laptopEditor ? phoneEditor : laptopEditor;
    expect(await other.conflictDialog().count()).toBe(0);
    const both = /^Budget: (12k|9k) \/ Budget: (12k|9k)$/;
    for (const editor of [laptopEditor, phoneEditor]) {
      await expect.poll(async () => (await editor.nodeTexts()).filter((t) => both.test(t)).length, { timeout: ARRIVES_MS }).toBe(1);
      await editor.waitForSaveState('saved', ARRIVES_MS);
    }
    secrets.push('Budget: 12k', 'Budget: 9k');
  });

  it('keeps edits made offline, says so, and merges them with what changed meanwhile when back online', async () => {
    const budget = (await phoneEditor.nodeTexts()).find((t) => t.startsWith('Budget: '))!;
    await phone.context.setOffline(true);
    await phoneEditor.select('Venue: Porto');
    await phoneEditor.editSelected('Venue: Porto, offline');
    await phoneEditor.waitForSaveState('offline', ARRIVES_MS);
    await laptopEditor.select(budget);
    await laptopEditor.editSelected('Budget: settled');
    await laptopEditor.waitForSaveState('saved');
    await phone.context.setOffline(false);
    for (const editor of [laptopEditor, phoneEditor]) {
      await editor.waitForNode('Venue: Porto, offline', ARRIVES_MS);
      await editor.waitForNode('Budget: settled', ARRIVES_MS);
      await editor.waitForSaveState('saved', ARRIVES_MS);
    }
    secrets.push('Venue: Porto, offline', 'Budget: settled');
  });

  it('keeps offline edits across a reload (sealed in IndexedDB) and saves them once unlocked and online', async () => {
    await phone.context.setOffline(true);
    await phoneEditor.select('Budget: settled');
    await phoneEditor.addSibling('Kept across a reload');
    await phoneEditor.waitForSaveState('offline', ARRIVES_MS);
    await laptopEditor.select('Venue: Porto, offline');
    await laptopEditor.addSibling('Added while the phone was away');
    await laptopEditor.waitForSaveState('saved');
    // The draft on the phone is ciphertext only.
    await expect.poll(() => storedDrafts(phone), { timeout: ARRIVES_MS }).toHaveLength(1);
    for (const draft of await storedDrafts(phone)) {
      expect(draft).not.toContain('Kept across a reload');
      expect(draft).not.toContain('Budget');
    }
    // The page needs its files to load: the network comes back for them, but the API stays away
    // until the tab is reloaded and locked, so nothing is saved before the reload.
    await phone.page.route('**/api/**', (route) => route.abort('internetdisconnected'));
    await phone.context.setOffline(false);
    await phone.page.reload();
    await phone.page.getByRole('heading', { name: 'Mindvault is locked' }).waitFor();
    await phone.page.unrouteAll();
    await new AuthPages(phone.page).unlock(PASSWORD);
    await phoneEditor.loaded();
    for (const editor of [phoneEditor, laptopEditor]) {
      await editor.waitForNode('Kept across a reload', ARRIVES_MS);
      await editor.waitForNode('Added while the phone was away', ARRIVES_MS);
      await editor.waitForSaveState('saved', ARRIVES_MS);
    }
    await expect.poll(() => storedDrafts(phone), { timeout: ARRIVES_MS }).toHaveLength(0);
    secrets.push('Kept across a reload', 'Added while the phone was away');
  });

  it('keeps the maps list live, and locks the other tab at once when the keys are rotated', async () => {
    await laptopEditor.backToMaps();
    await phoneEditor.backToMaps();
    await new MapsPage(laptop.page).createMap('Packing list');
    await phone.page.getByRole('link', { name: 'Packing list', exact: true }).waitFor({ timeout: ARRIVES_MS });
    await laptopEditor.loaded();
    await laptopEditor.backToMaps();
    await new MapsPage(laptop.page).rename('Packing list', 'Packing list, final');
    await phone.page.getByRole('link', { name: 'Packing list, final', exact: true }).waitFor({ timeout: ARRIVES_MS });
    secrets.push('Packing list');

    const account = new AccountPage(laptop.page);
    await account.open();
    expect(await account.rotateKeys()).toMatch(/^New keys \(version 2\)/);
    await phone.page.getByRole('heading', { name: 'Mindvault is locked' }).waitFor({ timeout: ARRIVES_MS });
    expect(await new AuthPages(laptop.page).isLocked()).toBe(false);
    await new AuthPages(phone.page).unlock(PASSWORD);
    await new MapsPage(phone.page).open(TITLE);
    await phoneEditor.waitForNode('Kept across a reload');
  });

  it('closes the other tab at once when the password changes elsewhere, and not the tab that changed it', async () => {
    const account = new AccountPage(laptop.page);
    await account.changePassword(PASSWORD, NEW_PASSWORD);
    // Its session is gone with its keys: the log-in form, which returns to the map afterwards.
    await phone.page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: ARRIVES_MS });
    expect(await phone.page.locator('me-tpc').count()).toBe(0);
    // The laptop holds the new session: it goes on, its stream too (a save from the phone arrives).
    expect(await new AuthPages(laptop.page).isLocked()).toBe(false);
    await laptop.page.getByRole('link', { name: 'Maps', exact: true }).first().click();
    await new MapsPage(laptop.page).open(TITLE);
    await laptopEditor.loaded();
    await new AuthPages(phone.page).submitLogin(EMAIL, NEW_PASSWORD);
    await phoneEditor.loaded();
    await phoneEditor.select('Kept across a reload');
    await phoneEditor.editSelected('After the new password');
    await laptopEditor.waitForNode('After the new password', ARRIVES_MS);
    secrets.push(NEW_PASSWORD, 'After the new password');
  });

  it('sends and receives nothing readable: requests and the event streams carry ids and ciphertext only', async () => {
    const traffic = [...(await laptopTraffic.settled()), ...(await phoneTraffic.settled())];
    const streams = traffic.filter((r) => r.url.startsWith('stream:'));
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.map((s) => s.body?.toString('utf8') ?? '').join('')).toContain('event: map.saved');
    expect(leakedSecrets(traffic, secrets)).toEqual([]);
    expect([...laptop.errors, ...phone.errors].filter((e) => !/ERR_INTERNET_DISCONNECTED|net::ERR_FAILED|Failed to fetch/.test(e))).toEqual([]);
  });
});

/** The drafts in the browser's IndexedDB, each as the text of its stored bytes. */
async function storedDrafts(person: Person): Promise<string[]> {
  return person.page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('mindvault-drafts', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('drafts');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('drafts', 'readonly').objectStore('drafts').getAll();
          all.onsuccess = () => {
            resolve((all.result as { sealed: Uint8Array }[]).map((d) => new TextDecoder('latin1').decode(d.sealed)));
            open.result.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}
