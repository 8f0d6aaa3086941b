import { beforeAll, describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { HistoryPage } from './pages/history-page';
import { MapsPage } from './pages/maps-page';
import { ShareDialog, SharedMapPage } from './pages/share-pages';
import { CHROMIUM_AVAILABLE, newPerson, type Person, screenshot } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { browserSuite } from './support/browser-suite';

const PASSWORD = 'history repeats itself';
const TITLE = 'Garden';

describe.skipIf(!CHROMIUM_AVAILABLE)('history and share links', () => {
  let owner: Person;
  let traffic: ReturnType<typeof captureTraffic>;
  let editor: EditorPage;
  const links: string[] = [];

  const suite = browserSuite();
  beforeAll(async () => {
    owner = await newPerson(suite.browser, suite.server.baseUrl);
    traffic = captureTraffic(owner.context);
    await new AuthPages(owner.page).register('hedy@example.com', PASSWORD);
    await new MapsPage(owner.page).createMap(TITLE);
    editor = new EditorPage(owner.page);
    await editor.loaded();
    await editor.addChild('Tomatoes');
    await editor.waitForSaveState('saved');
    await editor.addSibling('Basil');
    await editor.waitForSaveState('saved');
  });

  it('lists versions by day, previews an old one read-only beside the current map, and restores it as the latest', async () => {
    await editor.openHistory();
    const history = new HistoryPage(owner.page);
    expect(await history.title()).toBe(`History of “${TITLE}”`);
    expect(await history.days()).toEqual(['Today']);
    const versions = await history.versions();
    expect(versions).toHaveLength(3);
    expect(versions[0]).toContain('latest');
    expect(versions[0]).toMatch(/just now|minute ago/);
    expect(versions[0]).toContain('kilobyte');
    // The latest version is the current map: nothing to restore.
    await history.preview(0);
    expect(await history.canRestore()).toBe(false);

    await history.preview(1);
    expect((await history.previewTexts()).sort()).toEqual([TITLE, 'Tomatoes'].sort());
    expect((await history.currentTexts()).sort()).toEqual([TITLE, 'Basil', 'Tomatoes'].sort());
    expect(await history.changes()).toEqual({ summary: '1 change: 1 added', rows: ['Added (1) “Basil”'] });
    await screenshot(owner.page, 'history');
    // read-only: F2 opens no text box in the preview
    await owner.page.locator('[aria-label="Version preview"] me-tpc', { hasText: 'Tomatoes' }).click();
    await owner.page.keyboard.press('F2');
    expect(await owner.page.locator('#input-box').count()).toBe(0);

    await history.restore();
    await editor.loaded();
    expect((await editor.nodeTexts()).sort()).toEqual([TITLE, 'Tomatoes'].sort());
    await editor.openHistory();
    // Restored as a new save: the history grew, and the newest holds the old tree.
    expect(await history.versions()).toHaveLength(4);
    await history.preview(0);
    expect((await history.previewTexts()).sort()).toEqual([TITLE, 'Tomatoes'].sort());
    await owner.page.getByRole('link', { name: '← Back to the map' }).click();
    await editor.loaded();
  });

  it('opens a share link in a browser with no account, pinned or following the head', async () => {
    await editor.openShareDialog();
    const dialog = new ShareDialog(owner.page);
    links.push(await dialog.createLink());
    links.push(await dialog.createLink({ onlyThisVersion: true, expires: '7 days' }));
    expect(links[0]).toMatch(new RegExp(`^${suite.server.baseUrl}/s/[^/#]+#[A-Za-z0-9_-]{43}$`));
    const listed = await dialog.links();
    expect(listed).toHaveLength(2);
    expect(listed.some((l) => l.includes('one version') && l.includes('expires'))).toBe(true);
    expect(listed.some((l) => l.includes('latest version') && l.includes('no expiry'))).toBe(true);
    await screenshot(owner.page, 'share-dialog');
    await dialog.close();

    await editor.select('Tomatoes');
    await editor.addSibling('Mint');
    await editor.waitForSaveState('saved');

    const stranger = await newPerson(suite.browser, suite.server.baseUrl);
    const strangerTraffic = captureTraffic(stranger.context);
    const shared = new SharedMapPage(stranger.page);
    await shared.open(links[0]!);
    expect(await shared.title()).toBe(TITLE);
    expect((await shared.nodeTexts()).sort()).toEqual([TITLE, 'Mint', 'Tomatoes'].sort());
    await screenshot(stranger.page, 'shared-map');
    await shared.open(links[1]!);
    expect((await shared.nodeTexts()).sort()).toEqual([TITLE, 'Tomatoes'].sort());

    const fragments = links.map((l) => l.split('#')[1]!);
    const requests = await strangerTraffic.settled();
    expect(requests.some((r) => r.url.includes('/api/public/shares/'))).toBe(true);
    expect(leakedSecrets(requests, [...fragments, TITLE, 'Mint', 'Tomatoes'])).toEqual([]);
    expect(stranger.errors).toEqual([]);
    await stranger.context.close();
  });

  it('a revoked link says so, and nothing readable ever reached the server', async () => {
    await editor.openShareDialog();
    const dialog = new ShareDialog(owner.page);
    await dialog.revoke(0);
    await dialog.revoke(0);
    expect(await dialog.links()).toEqual([]);
    await dialog.close();

    const stranger = await newPerson(suite.browser, suite.server.baseUrl);
    const shared = new SharedMapPage(stranger.page);
    await shared.open(links[0]!);
    expect(await shared.error()).toBe('This link was revoked or has expired.');
    await screenshot(stranger.page, 'shared-map-revoked');
    await stranger.context.close();

    const fragments = links.map((l) => l.split('#')[1]!);
    expect(leakedSecrets(await traffic.settled(), [PASSWORD, TITLE, 'Tomatoes', 'Basil', 'Mint', ...fragments])).toEqual([]);
    expect(owner.errors).toEqual([]);
  });
});
