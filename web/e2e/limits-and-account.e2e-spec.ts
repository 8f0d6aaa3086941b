import { describe, expect, it } from 'vitest';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson, screenshot } from './support/browser';
import { browserSuite } from './support/browser-suite';

/** Small enough that one long node passes it, large enough for a map's first versions. */
const FREE_STORAGE_BYTES = 1500;
const AUTH_RATE_LIMIT_PER_MINUTE = 3;

describe.skipIf(!CHROMIUM_AVAILABLE)('limits and the account page', () => {

  const suite = browserSuite({ env: { FREE_STORAGE_BYTES: String(FREE_STORAGE_BYTES), AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_RATE_LIMIT_PER_MINUTE) } });

  it('a save over the quota shows the limit and the way to upgrade, keeps the edit, and saves once it fits', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    await new AuthPages(person.page).register('quota@example.com', 'a password for quota');
    await new MapsPage(person.page).createMap('Big ideas');
    const editor = new EditorPage(person.page);
    await editor.loaded();
    const long = `A very long thought ${'x'.repeat(FREE_STORAGE_BYTES)}`;
    await editor.addChild(long);
    await editor.waitForSaveState('failed');
    const alert = person.page.getByRole('alert');
    expect(await alert.textContent()).toBe('Storage full: your free plan holds 1.5 KiB. See plans and upgrade');
    await screenshot(person.page, 'quota-exceeded');

    // Leaving asks first, because saving still fails; staying keeps the edit.
    person.page.once('dialog', (dialog) => void dialog.dismiss());
    await alert.getByRole('link', { name: 'See plans and upgrade' }).click();
    await editor.waitForSaveState('failed');
    expect(person.page.url()).toMatch(/\/maps\/[0-9a-f-]{36}$/);
    expect(await editor.nodeTexts()).toContain(long);

    await editor.select(long);
    await editor.deleteSelected();
    await editor.waitForSaveState('saved');

    const account = new AccountPage(person.page);
    await account.open();
    expect(await account.planText()).toContain('You are on the free plan');
    expect(await account.planText()).toContain('of 1.5 KiB used');
    expect(await account.usage()).toBeGreaterThan(0);
    expect(await account.upgradeOffered()).toBe(false);
    expect(await account.planText()).toContain('Upgrades are not offered on this server.');
    await screenshot(person.page, 'account');
    expect(person.errors).toEqual([]);
    await person.context.close();
  });

  it('a taken email and a wrong password say so, and repeated attempts show the rate limit', async () => {
    const owner = await newPerson(suite.browser, suite.server.baseUrl);
    await new AuthPages(owner.page).register('limited@example.com', 'the right password');
    await owner.context.close();

    const guesser = await newPerson(suite.browser, suite.server.baseUrl);
    const auth = new AuthPages(guesser.page);
    await auth.submitRegistration('limited@example.com', 'someone else entirely');
    expect(await auth.error()).toBe('An account with this email already exists. Log in instead.');
    await guesser.page.goto('/login');
    const messages: string[] = [];
    for (let attempt = 0; attempt <= AUTH_RATE_LIMIT_PER_MINUTE; attempt++) {
      await auth.submitLogin('limited@example.com', `wrong password ${attempt}`);
      messages.push(await auth.error());
      await guesser.page.getByRole('button', { name: 'Log in' }).and(guesser.page.locator(':enabled')).waitFor();
    }
    expect(messages.slice(0, AUTH_RATE_LIMIT_PER_MINUTE)).toEqual(Array(AUTH_RATE_LIMIT_PER_MINUTE).fill('Wrong email or password.'));
    expect(messages[AUTH_RATE_LIMIT_PER_MINUTE]).toBe('Too many attempts. Wait a minute, then try again.');
    await screenshot(guesser.page, 'rate-limited');
    await guesser.context.close();
  });
});
