import { describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson, screenshot } from './support/browser';
import { captureTraffic, leakedSecrets } from './support/traffic';
import { browserSuite } from './support/browser-suite';

describe.skipIf(!CHROMIUM_AVAILABLE)('making a map in the browser', () => {

  const suite = browserSuite();

  it('registers, types a map with the keyboard alone, autosaves, and finds it after a reload and unlock; a second device sees it; nothing readable reaches the server', async () => {
    const email = 'ada@example.com';
    const password = 'correct horse battery staple';
    const title = 'Trip to Lisbon';
    const texts = ['Alfama quarter', 'Belem tower', 'Pasteis de nata'];

    const laptop = await newPerson(suite.browser, suite.server.baseUrl);
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

    await laptop.page.reload();
    expect(await auth.isLocked()).toBe(true);
    await screenshot(laptop.page, 'locked');
    await auth.unlock(password);
    await editor.loaded();
    expect(await editor.nodeTexts()).toEqual(expect.arrayContaining([title, ...texts]));
    await screenshot(laptop.page, 'editor');
    // What the browser keeps between reloads: tokens and the email (this tab), what it has seen
    // of the account (rollback detection); no password, title or node text, no key.
    const kept = await laptop.page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));
    expect(Object.keys(kept.session)).toEqual(['mindvault.session']);
    // The rollback memory is named by a hash, not the email.
    expect(Object.keys(kept.local)).toEqual([expect.stringMatching(/^mindvault\.device-state:[0-9a-f]{64}$/)]);
    expect(Object.keys(kept.local).join()).not.toContain('example.com');
    expect(leakedSecrets([{ url: '', headers: {}, body: Buffer.from(JSON.stringify(kept)) }], [password, title, ...texts])).toEqual([]);

    const phone = await newPerson(suite.browser, suite.server.baseUrl);
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
    expect([...laptop.errors, ...phone.errors]).toEqual([]);
    await laptop.context.close();
    await phone.context.close();
  });

  it('deletes, moves, undoes and redoes with the keyboard, and re-parents a node by dragging it', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    await new AuthPages(person.page).register('kb@example.com', 'keyboard only please');
    await new MapsPage(person.page).createMap('Plan');
    const editor = new EditorPage(person.page);
    await editor.loaded();
    await editor.addChild('One');
    await editor.addSibling('Two');
    await editor.addSibling('Three');
    expect(await editor.outline()).toBe('# Plan\n\n- One\n- Two\n- Three\n');

    await editor.select('Three');
    await person.page.keyboard.press('Alt+ArrowUp');
    expect(await editor.outline()).toBe('# Plan\n\n- One\n- Three\n- Two\n');

    await editor.select('One');
    await editor.deleteSelected();
    await editor.node('One').waitFor({ state: 'detached' });
    await editor.undo();
    await editor.node('One').waitFor();
    await editor.redo();
    await editor.node('One').waitFor({ state: 'detached' });
    await editor.undo();
    await editor.node('One').waitFor();

    await editor.select('Two');
    await editor.editSelected('Two, renamed');
    await editor.drag('Three', 'Two, renamed');
    expect(await editor.outline()).toBe('# Plan\n\n- One\n- Two, renamed\n  - Three\n');

    await editor.waitForSaveState('saved');
    await person.page.reload();
    await new AuthPages(person.page).unlock('keyboard only please');
    await editor.loaded();
    expect(await editor.outline()).toBe('# Plan\n\n- One\n- Two, renamed\n  - Three\n');
    expect(person.errors).toEqual([]);
    await person.context.close();
  });

  it('locks itself after 15 idle minutes, and unlocks to the same map', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    await person.page.clock.install();
    const auth = new AuthPages(person.page);
    await auth.register('idle@example.com', 'walked away for lunch');
    await new MapsPage(person.page).createMap('Left open');
    const editor = new EditorPage(person.page);
    await editor.loaded();
    await editor.addChild('Still here');
    await editor.waitForSaveState('saved');

    await person.page.clock.fastForward('14:00');
    expect(await auth.isLocked()).toBe(false);
    await person.page.clock.fastForward('01:01');
    await person.page.getByRole('heading', { name: 'Mindvault is locked' }).waitFor();
    expect(await person.page.locator('me-tpc').count()).toBe(0);

    await auth.unlock('walked away for lunch');
    await editor.loaded();
    expect(await editor.nodeTexts()).toContain('Still here');
    expect(person.errors).toEqual([]);
    await person.context.close();
  });
});
