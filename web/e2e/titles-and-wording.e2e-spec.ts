import { describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson } from './support/browser';
import { browserSuite } from './support/browser-suite';

describe.skipIf(!CHROMIUM_AVAILABLE)('one title, plain words, pages that fit', () => {

  const suite = browserSuite();

  it('the root node is the title: renaming either renames both', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const page = person.page;
    await new AuthPages(page).register('titles@example.com', 'one name for both');
    const maps = new MapsPage(page);
    await maps.createMap('Trip plan');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.waitForSaveState('saved');
    await editor.backToMaps();

    await maps.rename('Trip plan', 'Lisbon trip');
    await maps.open('Lisbon trip');
    await editor.loaded();
    expect(await editor.nodeTexts()).toEqual(['Lisbon trip']);

    // The title is edited in the editor too: it edits the root.
    await page.getByRole('button', { name: 'Rename map' }).click();
    await page.locator('#input-box').waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Porto trip');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Porto trip', level: 1 }).waitFor();
    await editor.waitForSaveState('saved');
    await editor.backToMaps();
    expect(await maps.titles()).toEqual(['Porto trip']);
    expect(person.errors).toEqual([]);
    await person.context.close();
  });

  it('says things plainly, lines controls up, fits pages to the window, and forgets the account on log out', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const page = person.page;
    const auth = new AuthPages(page);
    await auth.register('words@example.com', 'plain words please');
    const maps = new MapsPage(page);

    // Import… is a button in the Tab order, on the same line as New map.
    await page.getByRole('button', { name: 'New map' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Import…');
    const newMap = await page.getByRole('button', { name: 'New map' }).boundingBox();
    const importButton = await page.getByRole('button', { name: 'Import…' }).boundingBox();
    expect(Math.abs(newMap!.y - importButton!.y)).toBeLessThanOrEqual(1);

    await maps.createMap('Words');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.waitForSaveState('saved');
    const overflow = () => page.evaluate(() => ({ y: document.documentElement.scrollHeight - innerHeight, x: document.documentElement.scrollWidth - innerWidth }));
    expect(await overflow()).toEqual({ x: 0, y: 0 });
    await editor.openHistory();
    await page.getByRole('list', { name: 'Versions' }).waitFor();
    expect(await overflow()).toEqual({ x: 0, y: 0 });

    await page.getByRole('link', { name: 'Maps', exact: true }).click();
    await maps.loaded();
    expect(await page.locator('.map-list .meta').textContent()).toMatch(/· 1 version$/);

    await page.goto('/account');
    await auth.unlock('plain words please');
    await page.getByRole('heading', { name: 'Plan' }).waitFor();
    await page.getByText('plan', { exact: false }).first().waitFor();
    expect(await page.locator('main').textContent()).not.toContain('(none)');
    expect(await page.getByRole('region', { name: 'Rotate keys' }).textContent()).toContain('if you fear a device');
    await page.getByLabel('Repeat new password').waitFor();

    // A dead link does not promise anything was decrypted.
    await page.goto('/s/not-a-real-token#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.getByRole('heading', { name: 'This map cannot be opened' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('decrypted in this browser');

    await page.goto('/maps');
    await auth.unlock('plain words please');
    await maps.loaded();
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(1);
    await auth.logout();
    expect(await page.evaluate(() => ({ ...localStorage }))).toEqual({});
    await person.context.close();
  });
});
