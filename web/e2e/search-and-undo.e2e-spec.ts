import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { ShareDialog } from './pages/share-pages';
import { CHROMIUM_AVAILABLE, newPerson } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { browserSuite } from './support/browser-suite';

/** The serious and critical findings of axe-core on the page as it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

const background = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);

/** Search across every map, in the browser only; what destroys asks once, names it, or undoes; dark mode. */
describe.skipIf(!CHROMIUM_AVAILABLE)('search across maps, and safe destructive actions', () => {

  const suite = browserSuite();

  it('searches titles, nodes, notes and tags of every map in the suite.browser, jumps to a found node, and no query or result reaches the server', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const traffic = captureTraffic(person.context);
    const page = person.page;
    await new AuthPages(page).register('seeker@example.com', 'needle in a haystack');
    const maps = new MapsPage(page);
    const editor = new EditorPage(page);
    await maps.createMap('Garden');
    await editor.loaded();
    await editor.addChild('Plant tomatoes');
    await editor.addChild('Stake the seedlings');
    await editor.select('Plant tomatoes');
    await editor.addSibling('Water daily');
    await editor.setDetails('Water daily', { note: 'mulch the tomato beds first' });
    await editor.waitForSaveState('saved');
    await editor.backToMaps();
    await maps.createMap('Tomato sauce');
    await editor.loaded();
    await editor.addChild('Onions');
    await editor.waitForSaveState('saved');
    await editor.backToMaps();
    await maps.createMap('Taxes');
    await editor.loaded();
    await editor.addChild('Receipts');
    await editor.waitForSaveState('saved');
    await editor.backToMaps();
    await maps.loaded();

    expect(await maps.searchAll('TOMAT')).toEqual([
      { title: 'Tomato sauce', nodes: [] },
      { title: 'Garden', nodes: ['Plant tomatoes', 'Water daily'] },
    ]);
    expect(await maps.searchAll('receipts')).toEqual([{ title: 'Taxes', nodes: ['Receipts'] }]);
    expect(await maps.searchAll('no such thing')).toEqual([]);
    expect(await page.getByRole('search', { name: 'Search all maps' }).locator('xpath=..').getByRole('status').textContent()).toBe('No map holds that.');

    // A map changed since the index was built is found by its new text on the next visit.
    await maps.open('Taxes');
    await editor.loaded();
    await editor.select('Receipts');
    await editor.editSelected('Invoices from the nursery');
    await editor.waitForSaveState('saved');
    await editor.backToMaps();
    await maps.loaded();
    expect(await maps.searchAll('nursery')).toEqual([{ title: 'Taxes', nodes: ['Invoices from the nursery'] }]);

    // A found node opens its map with that node selected.
    await maps.searchAll('seedlings');
    await page.getByRole('list', { name: 'Matches in Garden' }).getByRole('link', { name: 'Stake the seedlings' }).click();
    await page.waitForURL(/\/maps\/[0-9a-f-]{36}\?node=/);
    await editor.loaded();
    await editor.node('Stake the seedlings').waitFor();
    expect(await editor.node('Stake the seedlings').getAttribute('aria-selected')).toBe('true');

    // The queries, and the titles and texts they found, never left the page in any form.
    const requests = await traffic.settled();
    expect(requests.length).toBeGreaterThan(10);
    expect(leakedSecrets(requests, ['TOMAT', 'tomat', 'Tomat', 'receipts', 'nursery', 'seedlings', 'no such thing', 'Plant tomatoes', 'Tomato sauce', 'mulch', 'Stake the seedlings'])).toEqual([]);
    expect(requests.filter((r) => /[?&](q|query|search)=/i.test(r.url))).toEqual([]);
    expect(person.errors).toEqual([]);
    await person.context.close();
  });

  it('removing a node asks nothing, names what went and undoes it (saved); deleting a map or revoking a link asks once, naming it', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const page = person.page;
    const password = 'careful with that axe';
    const auth = new AuthPages(page);
    await auth.register('careful@example.com', password);
    const maps = new MapsPage(page);
    const editor = new EditorPage(page);
    await maps.createMap('Keepsakes');
    await editor.loaded();
    await editor.addChild('Letters');
    await editor.addChild('From grandma');
    await editor.select('Letters');
    await editor.addSibling('Photos');
    await editor.waitForSaveState('saved');

    // Delete: no question, a notice naming the node and what was under it, with Undo.
    await editor.select('Letters');
    await editor.deleteSelected();
    await editor.node('Letters').waitFor({ state: 'detached' });
    expect(await page.getByRole('dialog').count()).toBe(0);
    const notice = page.locator('.toast', { hasText: 'Removed “Letters” and 1 node under it.' });
    await notice.waitFor();
    await editor.waitForSaveState('saved');
    await notice.getByRole('button', { name: 'Undo' }).click();
    await editor.node('From grandma').waitFor();
    await notice.waitFor({ state: 'detached' });
    // The undone state is saved like any edit: a reload brings the node back from the server.
    await editor.waitForSaveState('saved');
    await page.reload();
    await auth.unlock(password);
    await editor.loaded();
    expect(await editor.outline()).toBe('# Keepsakes\n\n- Letters\n  - From grandma\n- Photos\n');
    // The tree roles are drawn again after an undo.
    expect(await page.getByRole('treeitem', { name: 'Letters', exact: true }).getAttribute('aria-level')).toBe('2');

    // Revoking a share link asks once, in its row; "Keep it" keeps it.
    await editor.openShareDialog();
    const share = new ShareDialog(page);
    await share.createLink();
    const list = page.getByRole('list', { name: 'Share links' });
    await list.getByRole('button', { name: /^Revoke the latest-version link/ }).click();
    const ask = list.getByRole('group', { name: /^Revoke the latest-version link created .*\?$/ });
    expect(await ask.textContent()).toContain('can no longer open the map');
    await ask.getByRole('button', { name: 'Keep it' }).click();
    expect(await share.links()).toHaveLength(1);
    await share.revoke(0);
    expect(await share.links()).toHaveLength(0);
    await share.close();

    // Deleting a map asks once, names it, its versions and that it is for good; Cancel keeps it.
    await editor.backToMaps();
    await maps.loaded();
    await page.getByRole('button', { name: 'Delete Keepsakes' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this map?' });
    const message = (await confirm.textContent()) ?? '';
    expect(message).toMatch(/“Keepsakes”, its \d+ saved versions and its share links will be deleted for good: this cannot be undone\./);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await maps.titles()).toEqual(['Keepsakes']);
    await maps.delete('Keepsakes');
    expect(await maps.titles()).toEqual([]);
    expect(await page.locator('.empty').textContent()).toContain('No maps yet');
    expect(person.errors).toEqual([]);
    await person.context.close();
  });

  it('follows the system into dark mode and back (pages and the map), with no serious axe finding in the dark; a tall map keeps the page in the window', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const page = person.page;
    await page.emulateMedia({ colorScheme: 'dark' });
    await new AuthPages(page).register('owl@example.com', 'works best at night');
    const maps = new MapsPage(page);
    await maps.loaded();
    expect(await background(page, 'html')).toBe('rgb(20, 23, 31)');
    await maps.createMap('Night shift');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.addChild('Stars');
    await editor.setDetails('Stars', { note: 'Orion rises at ten', tags: 'sky' });
    expect(await background(page, '.map-container')).toBe('rgb(37, 37, 38)');
    expect(await seriousViolations(page)).toEqual([]);
    // The system switches back to light: the open map follows without a reload.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.map-container')!).backgroundColor === 'rgb(246, 246, 246)');
    expect(await background(page, 'html')).toBe('rgb(246, 247, 251)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await editor.waitForSaveState('saved');
    await editor.backToMaps();
    await maps.loaded();
    await maps.searchAll('orion');
    expect(await seriousViolations(page)).toEqual([]);

    // A map taller than the window keeps the page inside it (the map scrolls, not the page).
    const tall = Array.from({ length: 8 }, (_, b) => `- Branch ${b}\n${Array.from({ length: 6 }, (_, l) => `  - Leaf ${b}.${l}`).join('\n')}`).join('\n');
    await maps.importFile('Tall.md', `# Tall\n\n${tall}\n`);
    await editor.loaded();
    await editor.waitForSaveState('saved');
    expect(await page.evaluate(() => [document.documentElement.scrollHeight, window.scrollY])).toEqual([800, 0]);
    expect(person.errors).toEqual([]);
    await person.context.close();
  });
});
