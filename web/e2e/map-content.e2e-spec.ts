import { describe, expect, it, vi } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { browserSuite } from './support/browser-suite';

/** What the map's menu draws, the document keeps: notes, links, styles, cross-links, summaries, folds. */
describe.skipIf(!CHROMIUM_AVAILABLE)('what the editor offers, the map keeps', () => {

  const suite = browserSuite();

  it('offers its own menu of persisting actions, on screen, and everything it draws survives a reload and another device', async () => {
    const password = 'details that stay put';
    const email = 'rich@example.com';
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const page = person.page;
    const auth = new AuthPages(page);
    await auth.register(email, password);
    await new MapsPage(page).createMap('Rich map');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.addChild('Alpha');
    await editor.addSibling('Beta');
    await editor.addSibling('Gamma');
    await editor.select('Beta');
    await editor.addChild('Beta child');

    // The app's menu: only what persists, in the app's words, with the hint line's keys.
    expect(await editor.menuEntries('Alpha')).toEqual([
      'Add childTab',
      'Add siblingEnter',
      'Edit textF2',
      'Note, link, colours, tags…',
      'Link to another node…',
      'Summarize (bracket)',
      'Move upAlt+↑',
      'Move downAlt+↓',
      'RemoveDelete',
    ]);
    expect(await editor.menuEntries('Rich map')).toEqual(['Add childTab', 'Edit textF2', 'Note, link, colours, tags…', 'Link to another node…', 'Fold or unfoldSpace']);
    // Opened in the bottom right corner, it stays inside the window.
    await editor.select('Gamma');
    const map = (await page.locator('.map-container').boundingBox())!;
    await page.mouse.click(map.x + map.width - 3, map.y + map.height - 3, { button: 'right' });
    await page.getByRole('menu').waitFor();
    const box = await page.getByRole('menu').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    expect(box!.y + box!.height).toBeLessThanOrEqual(800);
    // Keyboard: the first entry has focus, arrows move, Escape closes.
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });

    await editor.setDetails('Alpha', { note: 'Remember\nthe tickets', link: 'https://example.com/alpha', tags: 'todo, travel', bold: true, icon: '⭐' });
    // A link that could run script is refused with a reason.
    await editor.chooseFromMenu('Beta', 'Note, link, colours, tags…');
    const dialog = page.getByRole('dialog', { name: 'Node details' });
    await dialog.getByLabel('Link').fill('javascript:alert(1)');
    await dialog.getByRole('button', { name: 'Save' }).click();
    expect(await dialog.getByRole('alert').textContent()).toContain('https://');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await editor.chooseFromMenu('Alpha', 'Link to another node…');
    await page.getByRole('status').filter({ hasText: 'Choose the node to link' }).waitFor();
    await editor.select('Gamma');
    await page.getByRole('status').filter({ hasText: 'Choose the node to link' }).waitFor({ state: 'detached' });
    await editor.chooseFromMenu('Gamma', 'Summarize (bracket)');
    // The new bracket's label opens for typing.
    await page.locator('#input-box').waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Later');
    await page.keyboard.press('Enter');
    await page.locator('#input-box').waitFor({ state: 'detached' });
    await editor.select('Beta');
    await page.keyboard.press('Space');
    await editor.node('Beta child').waitFor({ state: 'detached' });

    const check = async (doc: Awaited<ReturnType<EditorPage['documentJson']>>) => {
      const [alpha, beta, gamma] = doc.root.children as { id: string; text: string; [k: string]: unknown }[];
      expect(alpha).toMatchObject({ text: 'Alpha', note: 'Remember\nthe tickets', link: 'https://example.com/alpha', tags: ['todo', 'travel'], icons: ['⭐'], style: { bold: true } });
      expect(beta).toMatchObject({ text: 'Beta', folded: true, children: [expect.objectContaining({ text: 'Beta child' })] });
      expect(beta).not.toHaveProperty('link');
      expect(doc['links']).toEqual([expect.objectContaining({ from: alpha!.id, to: gamma!.id })]);
      expect(doc['summaries']).toEqual([expect.objectContaining({ parent: doc.root['id'], start: 2, end: 2, label: 'Later' })]);
    };
    // The summary's label reaches the document a moment after its input box closes: wait for it,
    // then for the save that follows it, before reloading.
    await vi.waitFor(async () => check(await editor.documentJson()), { timeout: 10_000 });
    await editor.waitForSaveState('saved');

    await page.reload();
    await auth.unlock(password);
    await editor.loaded();
    await check(await editor.documentJson());
    // Drawn again: the link icon, tags, the summary and the arrow.
    await page.locator('me-tpc a.hyper-link').waitFor();
    expect(await page.locator('me-tpc .tags span').allTextContents()).toEqual(['todo', 'travel']);
    expect(await page.locator('.summary').count()).toBeGreaterThan(0);
    // The map is a tree to assistive technology: levels and the folded state.
    const betaItem = page.getByRole('treeitem', { name: 'Beta', exact: true });
    expect(await betaItem.getAttribute('aria-level')).toBe('2');
    expect(await betaItem.getAttribute('aria-expanded')).toBe('false');
    await editor.select('Beta');
    await page.keyboard.press('Space');
    await editor.node('Beta child').waitFor();
    expect(await betaItem.getAttribute('aria-expanded')).toBe('true');
    await editor.waitForSaveState('saved');

    const other = await newPerson(suite.browser, suite.server.baseUrl);
    await new AuthPages(other.page).login(email, password);
    await new MapsPage(other.page).open('Rich map');
    const otherEditor = new EditorPage(other.page);
    await otherEditor.loaded();
    const seen = await otherEditor.documentJson();
    expect(seen.root.children[1]).not.toHaveProperty('folded');
    expect((seen.root.children[0] as { note?: string }).note).toBe('Remember\nthe tickets');
    expect(seen['links']).toHaveLength(1);
    expect([...person.errors, ...other.errors]).toEqual([]);
    await person.context.close();
    await other.context.close();
  });

  it('finds within a map (highlights, steps through matches, unfolds) and jumps from the outline, sending no query anywhere', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const traffic = captureTraffic(person.context);
    const page = person.page;
    await new AuthPages(page).register('finder@example.com', 'where did I put it');
    await new MapsPage(page).createMap('Pantry');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.addChild('Zucchini soup');
    await editor.addChild('Zucchini, grated');
    await editor.select('Zucchini soup');
    await editor.addSibling('Bread');
    await editor.select('Zucchini soup');
    await page.keyboard.press('Space');
    await editor.node('Zucchini, grated').waitFor({ state: 'detached' });
    await editor.waitForSaveState('saved');

    const search = page.getByRole('searchbox', { name: 'Find in this map' });
    await search.fill('zucchini');
    const count = page.getByRole('search', { name: 'Search this map' }).getByRole('status');
    expect(await count.textContent()).toBe('2 found');
    expect(await page.locator('me-tpc.search-match').count()).toBe(1);
    await search.press('Enter');
    expect(await count.textContent()).toBe('1 of 2');
    await search.press('Enter');
    expect(await count.textContent()).toBe('2 of 2');
    // The folded match was unfolded to be shown, selected.
    expect(await editor.node('Zucchini, grated').getAttribute('aria-selected')).toBe('true');

    await page.getByRole('button', { name: 'Outline' }).click();
    const outline = page.getByRole('navigation', { name: 'Outline' });
    await outline.getByRole('button', { name: 'Bread' }).click();
    expect(await editor.node('Bread').getAttribute('aria-selected')).toBe('true');
    expect(leakedSecrets(await traffic.settled(), ['zucchini', 'Zucchini'])).toEqual([]);
    expect(person.errors).toEqual([]);
    await person.context.close();
  });
});
