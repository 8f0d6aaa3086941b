import { describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson } from './support/browser';
import { browserSuite } from './support/browser-suite';

/** Every route opened cold (typed into the address bar, a bookmark), logged out and logged in. */
describe.skipIf(!CHROMIUM_AVAILABLE)('opening each route cold', () => {

  const suite = browserSuite();

  it('logged out: each private route shows the login form at once, and logging in returns to the page asked for', async () => {
    const owner = await newPerson(suite.browser, suite.server.baseUrl);
    await new AuthPages(owner.page).register('routes@example.com', 'open every door');
    const mapId = await new MapsPage(owner.page).createMap('Bookmarked');
    await owner.context.close();

    const visitor = await newPerson(suite.browser, suite.server.baseUrl);
    const page = visitor.page;
    const privateRoutes = ['/', '/maps', `/maps/${mapId}`, `/maps/${mapId}/history`, '/account'];
    for (const route of privateRoutes) {
      await page.goto(route);
      // No reload, no wait for anything else: the form is there on the first load.
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      const expected = route === '/' ? '/login' : `/login?next=${encodeURIComponent(route)}`;
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(expected);
    }
    for (const [route, heading] of [['/login', 'Log in'], ['/register', 'Create an account'], ['/nowhere', 'Nothing here'], ['/s/no-such-token', 'This map cannot be opened']] as const) {
      await page.goto(route);
      await page.getByRole('heading', { name: heading }).waitFor();
    }

    // A deep link survives the detour through sign-up/log-in.
    await page.goto(`/maps/${mapId}/history`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('link', { name: 'Log in' }).click();
    await new AuthPages(page).submitLogin('routes@example.com', 'open every door');
    await page.waitForURL(`**/maps/${mapId}/history`);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
  });

  it('logged in: each route opened cold asks for the password, then shows that page', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const auth = new AuthPages(person.page);
    await auth.register('cold@example.com', 'cold start please');
    const mapId = await new MapsPage(person.page).createMap('Cold map');
    const routes: [string, string][] = [
      ['/maps', 'Your maps'],
      [`/maps/${mapId}`, 'Cold map'],
      [`/maps/${mapId}/history`, 'History'],
      ['/account', 'Account'],
    ];
    for (const [route, heading] of routes) {
      await person.page.goto(route);
      await auth.unlock('cold start please');
      await person.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(new URL(person.page.url()).pathname).toBe(route);
    }
    await person.page.goto('/nowhere');
    await person.page.getByRole('heading', { name: 'Nothing here' }).waitFor();
    // Unlocked, the public routes answer with the page a logged-in person expects.
    await person.page.goto('/');
    await auth.unlock('cold start please');
    await person.page.waitForURL('**/maps');
    await person.page.getByRole('heading', { name: 'Your maps' }).waitFor();
    expect(person.errors).toEqual([]);
    await person.context.close();
  });
});
