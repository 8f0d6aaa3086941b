import { describe, expect, it } from 'vitest';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson, screenshot } from './support/browser';
import { browserSuite } from './support/browser-suite';

describe.skipIf(!CHROMIUM_AVAILABLE)('deleting the account from the account page', () => {

  const suite = browserSuite();

  it('needs the email typed out and the password, then deletes everything and signs out', async () => {
    const email = 'leaving@example.com';
    const password = 'a password to leave with';
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const auth = new AuthPages(person.page);
    await auth.register(email, password);
    await new MapsPage(person.page).createMap('Last words');
    const userId = (await suite.server.db.pool.query('SELECT id FROM users WHERE email = $1', [email])).rows[0].id as string;
    const maps = async () => Number((await suite.server.db.pool.query('SELECT count(*) AS n FROM mind_maps WHERE owner_id = $1', [userId])).rows[0].n);
    expect(await maps()).toBe(1);

    const account = new AccountPage(person.page);
    await account.open();
    expect(await account.fillDeletion('leaving@example.org', password)).toBe(false);
    expect(await account.fillDeletion(email, 'not my password')).toBe(true);
    await screenshot(person.page, 'delete-account');
    await account.submitDeletion();
    expect(await account.deletionError()).toBe('Wrong password: nothing was deleted.');
    expect(await maps()).toBe(1);

    await account.fillDeletion(email, password);
    await account.submitDeletion();
    await person.page.waitForURL('**/login');
    await person.page.getByText('Your account and everything in it are deleted.').waitFor();
    expect(await maps()).toBe(0);
    expect((await suite.server.db.pool.query('SELECT 1 FROM users WHERE id = $1', [userId])).rowCount).toBe(0);

    await auth.submitLogin(email, password);
    expect(await auth.error()).toBe('Wrong email or password.');
    expect(person.errors).toEqual([]);
  });
});
