import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../test/utils/create-test-app';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, launchBrowser, newPerson, type Person, screenshot } from './support/browser';
import { startWebAppServer } from './support/web-app-server';

const EMAIL = 'grace@example.com';
const PASSWORD = 'two devices, one map';
const TITLE = 'Launch plan';

describe.skipIf(!CHROMIUM_AVAILABLE)('two devices editing one map', () => {
  let server: TestApp;
  let browser: Browser;
  let laptop: Person;
  let phone: Person;
  let laptopEditor: EditorPage;
  let phoneEditor: EditorPage;

  beforeAll(async () => {
    server = await startWebAppServer();
    browser = await launchBrowser();
    laptop = await newPerson(browser, server.baseUrl);
    phone = await newPerson(browser, server.baseUrl);
    await new AuthPages(laptop.page).register(EMAIL, PASSWORD);
    await new MapsPage(laptop.page).createMap(TITLE);
    laptopEditor = new EditorPage(laptop.page);
    await laptopEditor.loaded();
    await laptopEditor.addChild('Agreed');
    await laptopEditor.waitForSaveState('saved');

    await new AuthPages(phone.page).login(EMAIL, PASSWORD);
    await new MapsPage(phone.page).open(TITLE);
    phoneEditor = new EditorPage(phone.page);
    await phoneEditor.loaded();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The laptop saves first; the phone, still on the older version, then edits and is stopped. */
  async function collide(laptopText: string, phoneText: string): Promise<void> {
    await laptopEditor.select('Agreed');
    await laptopEditor.addSibling(laptopText);
    await laptopEditor.waitForSaveState('saved');
    await phoneEditor.select('Agreed');
    await phoneEditor.addSibling(phoneText);
    await phoneEditor.waitForSaveState('conflict');
  }

  /** The laptop catches up with whatever the server holds now. */
  async function laptopReloads(): Promise<void> {
    await laptop.page.reload();
    await new AuthPages(laptop.page).unlock(PASSWORD);
    await laptopEditor.loaded();
  }

  it('"load theirs" replaces my edits with the other device\'s version', async () => {
    await collide('From the laptop', 'From the phone');
    await screenshot(phone.page, 'conflict');
    await phoneEditor.chooseConflict('Load theirs');
    await phoneEditor.node('From the laptop').waitFor();
    expect(await phoneEditor.nodeTexts()).not.toContain('From the phone');
    expect(await phoneEditor.saveState()).toBe('saved');
    // and the phone saves normally again, over their version
    await phoneEditor.select('Agreed');
    await phoneEditor.addSibling('Phone after catching up');
    await phoneEditor.waitForSaveState('saved');
    await laptopReloads();
    expect(await laptopEditor.nodeTexts()).toEqual(expect.arrayContaining(['From the laptop', 'Phone after catching up']));
  });

  it('"keep mine" saves my version as the new head; theirs stays in history', async () => {
    await collide('Laptop, round two', 'Phone, round two');
    await phoneEditor.chooseConflict('Keep mine');
    await phoneEditor.waitForSaveState('saved');
    await laptopReloads();
    const texts = await laptopEditor.nodeTexts();
    expect(texts).toContain('Phone, round two');
    expect(texts).not.toContain('Laptop, round two');
  });

  it('"save mine as a copy" is the focused choice: a reflex Enter makes a new map of my version and loads theirs here', async () => {
    await collide('Laptop, round three', 'Phone, round three');
    const dialog = phone.page.getByRole('dialog', { name: 'This map changed on another device' });
    await dialog.waitFor();
    await phone.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await phoneEditor.node('Laptop, round three').waitFor();
    expect(await phoneEditor.nodeTexts()).not.toContain('Phone, round three');
    expect(await phoneEditor.saveState()).toBe('saved');

    await phoneEditor.backToMaps();
    const maps = new MapsPage(phone.page);
    expect((await maps.titles()).sort()).toEqual([TITLE, `${TITLE} (my copy)`].sort());
    await maps.open(`${TITLE} (my copy)`);
    await phoneEditor.loaded();
    expect(await phoneEditor.nodeTexts()).toContain('Phone, round three');
    // One name: the copy's root carries the copy's title.
    expect(await phoneEditor.nodeTexts()).toContain(`${TITLE} (my copy)`);
    expect(await phoneEditor.nodeTexts()).not.toContain('Laptop, round three');
    expect([...laptop.errors, ...phone.errors]).toEqual([]);
  });
});
