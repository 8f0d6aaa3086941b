import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromOpml } from '../src/formats/opml';
import type { MindMapNode } from '../src/session/document';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson, type Person, screenshot } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { browserSuite } from './support/browser-suite';

/** As Freeplane writes it: a style hook, rich text, icons and entities around the outline. */
const FREEMIND_FILE = `<map version="freeplane 1.9.0">
<node TEXT="Novel outline" ID="ID_1" CREATED="1" MODIFIED="1"><hook NAME="MapStyle"/>
<node TEXT="Act one" POSITION="right" ID="ID_2"><icon BUILTIN="idea"/>
<node TEXT="Inciting incident" ID="ID_3"/>
<node ID="ID_4"><richcontent TYPE="NODE"><html><body><p>Meet <b>the mentor</b></p></body></html></richcontent></node>
</node>
<node TEXT="Act two &amp; three" POSITION="left" ID="ID_5"/>
</node>
</map>`;
const OUTLINE = {
  text: 'Novel outline',
  children: [
    { text: 'Act one', children: [{ text: 'Inciting incident', children: [] }, { text: 'Meet the mentor', children: [] }] },
    { text: 'Act two & three', children: [] },
  ],
};
const shape = (n: MindMapNode): unknown => ({ text: n.text, children: n.children.map(shape) });

describe.skipIf(!CHROMIUM_AVAILABLE)('maps, files and the account', () => {
  let person: Person;
  let traffic: ReturnType<typeof captureTraffic>;
  let maps: MapsPage;
  let editor: EditorPage;
  const PASSWORD = 'files and folders';

  const suite = browserSuite();
  beforeAll(async () => {
    person = await newPerson(suite.browser, suite.server.baseUrl);
    traffic = captureTraffic(person.context);
    await new AuthPages(person.page).register('files@example.com', PASSWORD);
    maps = new MapsPage(person.page);
    editor = new EditorPage(person.page);
  });

  it('imports a FreeMind file, exports it as OPML, and the OPML imports back to the same map', async () => {
    await maps.importFile('novel.mm', FREEMIND_FILE);
    await editor.loaded();
    expect((await editor.nodeTexts()).sort()).toEqual(['Novel outline', 'Act one', 'Inciting incident', 'Meet the mentor', 'Act two & three'].sort());
    await editor.waitForSaveState('saved');

    const opml = await editor.exportText('OPML');
    expect(opml).toContain('<opml version="2.0">');
    expect(shape(fromOpml(opml).root)).toEqual(OUTLINE);

    await editor.backToMaps();
    await maps.loaded();
    await maps.importFile('novel.opml', opml);
    await editor.loaded();
    expect(shape(fromOpml(await editor.exportText('OPML')).root)).toEqual(OUTLINE);
    const freemind = await editor.exportText('FreeMind (.mm)');
    expect(freemind).toContain('TEXT="Act two &amp; three"');
    expect(await editor.outline()).toBe('# Novel outline\n\n- Act one\n  - Inciting incident\n  - Meet the mentor\n- Act two & three\n');
  });

  it('exports the map as SVG and PNG images, node text as text (never markup)', async () => {
    await editor.select('Act two & three');
    await editor.addChild('<script>alert(1)</script><img src=x onerror=alert(2)>');
    const svg = await editor.exportText('SVG image');
    expect(svg).toContain('<svg');
    expect(svg).toContain('Inciting incident');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(svg).not.toMatch(/<script|<img/i);
    const png = await readFile(await (await editor.export('PNG image')).path());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(1000);
  });

  it('renames and deletes maps, asking before the delete', async () => {
    await editor.backToMaps();
    expect((await maps.titles()).sort()).toEqual(['Novel outline', 'Novel outline'].sort());
    const [first] = await maps.titles();
    await maps.rename(first!, 'Novel, second draft');
    expect((await maps.titles()).sort()).toEqual(['Novel outline', 'Novel, second draft']);
    await screenshot(person.page, 'maps');

    await person.page.getByRole('button', { name: 'Delete Novel outline' }).first().click();
    await person.page.getByRole('dialog', { name: 'Delete this map?' }).getByRole('button', { name: 'Cancel' }).click();
    expect(await maps.titles()).toHaveLength(2);
    await maps.delete('Novel outline');
    expect(await maps.titles()).toEqual(['Novel, second draft']);
  });

  it('changes the password and rotates the keys; the map opens after logging in with the new password', async () => {
    const account = new AccountPage(person.page);
    await account.open();
    await account.changePassword(PASSWORD, 'a brand new password');
    expect(await account.rotateKeys()).toBe('New keys (version 2); 1 map re-wrapped.');
    await new AuthPages(person.page).logout();

    await new AuthPages(person.page).submitLogin('files@example.com', PASSWORD);
    expect(await new AuthPages(person.page).error()).toBe('Wrong email or password.');
    await new AuthPages(person.page).login('files@example.com', 'a brand new password');
    await maps.open('Novel, second draft');
    await editor.loaded();
    expect(await editor.nodeTexts()).toContain('Meet the mentor');

    const secrets = [PASSWORD, 'a brand new password', 'Novel outline', 'Novel, second draft', 'Inciting incident', 'Meet the mentor', 'Act one'];
    expect(leakedSecrets(await traffic.settled(), secrets)).toEqual([]);
    expect(person.errors).toEqual([]);
  });
});
