import { describe, expect, it, vi } from 'vitest';
import { MindvaultApi, type MindMapDocument, Vault } from '../../client/src/index';
import { FAST_KDF } from '../../test/utils/sdk';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { OTHER_WRITER_JSON } from '../src/editor/other-writer.fixture';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson } from './support/browser';
import { browserSuite } from './support/browser-suite';

/** Another writer's save (the fixture names what it holds), as JSON text so that `__proto__` is a plain field. */
const WRITTEN = OTHER_WRITER_JSON;

type Written = { root: { children: Record<string, unknown>[] } };

/** The extension rule through the web app: what another writer put in a map survives the app's saves. */
describe.skipIf(!CHROMIUM_AVAILABLE)('fields another writer added', () => {

  const suite = browserSuite();

  it('survive opening the map in the web app, editing a node and saving, every one as it was written', async () => {
    const email = 'other-writer@example.com';
    const password = 'two clients one map';
    const vault = await Vault.register(new MindvaultApi({ baseUrl: suite.server.baseUrl }), { email, password }, FAST_KDF);
    const map = await vault.createMap({ title: 'Plans' });
    await vault.push(map.id, JSON.parse(WRITTEN) as MindMapDocument);

    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const page = person.page;
    await new AuthPages(page).login(email, password);
    await new MapsPage(page).open('Plans');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.select('Travel');
    await editor.editSelected('Travel (booked)');

    // The save the edit made, as the SDK reads it: the other writer's fields, and every known field
    // the person did not touch, exactly as written; only the edited text differs.
    const expected = JSON.parse(WRITTEN) as Written;
    expected.root.children[0]!['text'] = 'Travel (booked)';
    const head = async () => (await vault.pull(map.id)).document as unknown as Written;
    await vi.waitFor(async () => expect((await head()).root.children[0]!['text']).toBe('Travel (booked)'), { timeout: 15_000 });
    await editor.waitForSaveState('saved');
    const afterText = await head();
    expect(afterText).toStrictEqual(expected);
    expect(Object.getOwnPropertyDescriptor(afterText.root.children[0], '__proto__')?.value).toEqual({ polluted: true });

    // The details form on that very node: its style's unknown field stays beside the colours.
    await editor.setDetails('Travel (booked)', { tags: 'todo' });
    expected.root.children[0]!['tags'] = ['todo'];
    await vi.waitFor(async () => expect((await head()).root.children[0]!['tags']).toEqual(['todo']), { timeout: 15_000 });
    await editor.waitForSaveState('saved');
    expect(await head()).toStrictEqual(expected);
    expect(person.errors).toEqual([]);
    await person.context.close();
  });
});
