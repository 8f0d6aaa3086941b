import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../test/utils/create-test-app';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, launchBrowser, newPerson, screenshot } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { startWebAppServer } from './support/web-app-server';

describe.skipIf(!CHROMIUM_AVAILABLE)('making a map in the browser', () => {
  let server: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    server = await startWebAppServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers, types a map with the keyboard alone, autosaves, and finds it after a reload and unlock; a second device sees it; nothing readable reaches the server', async () => {
    const email = 'ada@example.com';
    const password = 'correct horse battery staple';
    const title = 'Trip to Lisbon';
    const texts = ['Alfama quarter', 'Belem tower', 'Pasteis de nata'];

    const laptop = await newPerson(browser, server.baseUrl);
    const traffic = captureTraffic(laptop.context);
    const auth = new AuthPages(laptop.page);
    const maps = new MapsPage(laptop.page);
    const editor = new EditorPage(laptop.page);

    await auth.register(email, password);
    await screenshot(laptop.page, 'maps-empty');
    await maps.createMap(title);
    await editor.loaded();
    await editor.addChild(texts[0]!);
    await editor.addSibling(texts[1]!);
    await editor.addChild(texts[2]!);
    await editor.waitForSaveState('saved');
    await screenshot(laptop.page, 'editor');

    await laptop.page.reload();
    expect(await auth.isLocked()).toBe(true);
    await screenshot(laptop.page, 'locked');
    await auth.unlock(password);
    await editor.loaded();
    expect(await editor.nodeTexts()).toEqual(expect.arrayContaining([title, ...texts]));

    const phone = await newPerson(browser, server.baseUrl);
    const phoneTraffic = captureTraffic(phone.context);
    await new AuthPages(phone.page).login(email, password);
    const phoneMaps = new MapsPage(phone.page);
    expect(await phoneMaps.titles()).toEqual([title]);
    await phoneMaps.open(title);
    const phoneEditor = new EditorPage(phone.page);
    await phoneEditor.loaded();
    expect(await phoneEditor.nodeTexts()).toEqual(expect.arrayContaining([title, ...texts]));

    const requests = [...(await traffic.settled()), ...(await phoneTraffic.settled())];
    expect(requests.filter((r) => r.url.includes('/api/mindmaps/')).length).toBeGreaterThan(3);
    expect(leakedSecrets(requests, [password, title, ...texts])).toEqual([]);
    await laptop.context.close();
    await phone.context.close();
  });
});
