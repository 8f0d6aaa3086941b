import AxeBuilder from '@axe-core/playwright';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { HistoryPage } from './pages/history-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson, type Person, screenshot } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { browserSuite } from './support/browser-suite';

const PASSWORD = 'names outlive autosaves';
const TITLE = 'Recipes';

describe.skipIf(!CHROMIUM_AVAILABLE)('named versions and the history page', () => {
  let cook: Person;
  let traffic: ReturnType<typeof captureTraffic>;
  let editor: EditorPage;
  let history: HistoryPage;
  let mapId: string;

  const suite = browserSuite();
  beforeAll(async () => {
    cook = await newPerson(suite.browser, suite.server.baseUrl);
    traffic = captureTraffic(cook.context);
    await new AuthPages(cook.page).register('julia@example.com', PASSWORD);
    await new MapsPage(cook.page).createMap(TITLE);
    editor = new EditorPage(cook.page);
    history = new HistoryPage(cook.page);
    await editor.loaded();
    mapId = new URL(cook.page.url()).pathname.split('/')[2]!;
  });

  it('Save version names and pins the map as it is, its pending edit saved first; history shows what changed since', async () => {
    await editor.addChild('Soup');
    await editor.addSibling('Salad');
    await editor.addSibling('Cake');
    await editor.waitForSaveState('saved');
    // Ctrl+S right after an edit, before the autosave's delay: the edit is in the named version.
    await editor.addSibling('Pie');
    await editor.saveVersion('First draft', 'keys');
    expect(await editor.saveState()).toBe('saved');

    await editor.select('Soup');
    await editor.editSelected('Tomato soup');
    await editor.select('Salad');
    await editor.deleteSelected();
    await editor.node('Salad').waitFor({ state: 'detached' });
    await editor.select('Pie');
    await editor.addSibling('Bread');
    await editor.drag('Cake', 'Pie');
    await expect.poll(() => editor.outline()).toBe('# Recipes\n\n- Tomato soup\n- Pie\n  - Cake\n- Bread\n');
    await editor.waitForSaveState('saved');
    await editor.saveVersion('Second draft', 'button');

    await editor.openHistory();
    expect(await history.title()).toBe(`History of “${TITLE}”`);
    const all = await history.versions();
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all[0]).toMatch(/^Second draft just now · \d\d:\d\d under 1 kilobyte pinned latest$/);
    await history.showNamedOnly(true);
    const named = await history.versions();
    expect(named).toHaveLength(2);
    expect(named[1]).toMatch(/^First draft just now · \d\d:\d\d under 1 kilobyte pinned$/);

    await history.preview(1);
    expect((await history.previewTexts()).sort()).toEqual([TITLE, 'Soup', 'Salad', 'Cake', 'Pie'].sort());
    expect((await history.currentTexts()).sort()).toEqual([TITLE, 'Tomato soup', 'Cake', 'Pie', 'Bread'].sort());
    expect(await history.changes()).toEqual({
      summary: '4 changes: 1 added, 1 removed, 1 moved, 1 renamed',
      rows: ['Added (1) “Bread”', 'Removed (1) “Salad”', 'Moved (1) “Cake” (from “Recipes” to “Pie”)', 'Renamed (1) “Soup” → “Tomato soup”'],
    });
    expect(await history.canRestore()).toBe(true);
    await screenshot(cook.page, 'history-named');
    // The latest is the current map: no Restore, but it can still be copied or renamed.
    await history.preview(0);
    expect(await history.canRestore()).toBe(false);
    await cook.page.getByRole('button', { name: 'Save as a new map…' }).waitFor();

    // Any version becomes a new map; this one keeps its history.
    await history.preview(1);
    await history.saveAsNewMap('Recipes, first draft');
    await editor.loaded();
    expect(new URL(cook.page.url()).pathname).not.toContain(mapId);
    expect((await editor.nodeTexts()).sort()).toEqual(['Recipes, first draft', 'Soup', 'Salad', 'Cake', 'Pie'].sort());
    await editor.backToMaps();
    const maps = new MapsPage(cook.page);
    await maps.loaded();
    expect((await maps.titles()).sort()).toEqual(['Recipes', 'Recipes, first draft']);
  });

  it('groups an aged history by day, names and unpins from the history page, and fits a phone', async () => {
    // Move the saves back in time: the latest stays today, the first draft (and any save between)
    // goes to yesterday, what came before it to three days ago.
    const ids = (await suite.server.db.pool.query<{ id: string }>('SELECT id FROM map_versions WHERE map_id = $1 ORDER BY seq DESC', [mapId])).rows.map((r) => r.id);
    // The server sees which versions are named, never the names: the older pinned one is the first draft.
    const pinned = (await suite.server.db.pool.query<{ id: string }>('SELECT id FROM map_versions WHERE map_id = $1 AND pinned ORDER BY seq', [mapId])).rows;
    expect(pinned).toHaveLength(2);
    const firstIndex = ids.indexOf(pinned[0]!.id);
    // Noon of a local day (the browser's zone is this machine's), a minute apart per save: no
    // run near midnight sees a save slip into another day.
    const now = new Date();
    const noon = (daysAgo: number) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo, 12).getTime();
    const times = ids.map((_, i) => (i === 0 ? now.getTime() : (i > firstIndex ? noon(3) : noon(1)) - i * 60_000));
    await suite.server.db.pool.query(
      `UPDATE map_versions v SET saved_at = to_timestamp(a.ms / 1000.0) FROM unnest($1::uuid[], $2::bigint[]) AS a(id, ms) WHERE v.id = a.id`,
      [ids, times],
    );
    await cook.page.goto(`/maps/${mapId}/history`);
    await new AuthPages(cook.page).unlock(PASSWORD);
    const days = await history.days();
    expect(days.slice(0, 2)).toEqual(['Today', 'Yesterday']);
    expect(days[2]).toMatch(/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} [A-Z][a-z]+( \d{4})?$/);
    expect(days).toHaveLength(3);
    const versions = await history.versions();
    expect(versions[firstIndex]).toMatch(/^First draft (yesterday|\d+ hours ago) · 11:5\d /);
    expect(versions[firstIndex + 1]).toMatch(/^3 days ago · /);

    // Name and pin an autosave from here; unpin it again (the name stays).
    const autosaveIndex = firstIndex + 1;
    expect(versions[autosaveIndex]).not.toContain('pinned');
    await history.preview(autosaveIndex);
    await history.nameVersion('Just the soup');
    expect((await history.versions())[autosaveIndex]).toMatch(/^Just the soup 3 days ago · .* pinned$/);
    await history.unpin();
    await cook.page.getByRole('button', { name: 'Unpin', exact: true }).waitFor({ state: 'detached' });
    expect((await history.versions())[autosaveIndex]).toMatch(/^Just the soup 3 days ago · .*kilobyte$/);

    // Phone width: nothing sideways, every action on screen, axe finds nothing serious.
    await cook.page.setViewportSize({ width: 390, height: 844 });
    await history.preview(firstIndex);
    await history.changes();
    expect(await cook.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    for (const name of ['Restore this version', 'Save as a new map…', 'Rename…', 'Unpin']) {
      const box = await cook.page.getByRole('button', { name, exact: true }).boundingBox();
      expect(box !== null && box.x >= 0 && box.x + box.width <= 390, name).toBe(true);
    }
    const axe = await new AxeBuilder({ page: cook.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await screenshot(cook.page, 'phone-history-named');

    // Names are encrypted here: none reached the server readable.
    expect(leakedSecrets(await traffic.settled(), [PASSWORD, 'First draft', 'Second draft', 'Just the soup', 'Tomato soup'])).toEqual([]);
    expect(cook.errors).toEqual([]);
  });
});
