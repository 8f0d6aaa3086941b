import { describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { CHROMIUM_AVAILABLE, newPerson, screenshot } from './support/browser';
import { browserSuite } from './support/browser-suite';

/**
 * A passkey as the second step, made and used by Chromium's virtual authenticator (CDP WebAuthn
 * domain). WebAuthn wants a host name, not an IP address: the app is opened as localhost, the
 * server's default relying party id.
 */
describe.skipIf(!CHROMIUM_AVAILABLE)('passkeys as a second factor', () => {

  const suite = browserSuite();

  it('adds a passkey from the account page, signs the login with it, and removes it', async () => {
    const email = 'passkey.person@example.com';
    const password = 'a password and a key';
    const person = await newPerson(suite.browser, suite.server.baseUrl.replace('127.0.0.1', 'localhost'));
    const page = person.page;
    const cdp = await person.context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });

    const auth = new AuthPages(page);
    await auth.register(email, password);
    await page.getByRole('link', { name: 'Account' }).click();
    const section = page.getByRole('region', { name: 'Passkeys' });
    await section.getByLabel('Password').fill(password);
    await section.getByLabel('Passkey name').fill('Laptop');
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    await section.getByRole('list', { name: 'Your passkeys' }).getByText('Laptop').waitFor();
    await screenshot(page, 'passkey-added');
    const [credential] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    expect(credential!.rpId).toBe('localhost');

    await auth.logout();
    await auth.submitLogin(email, password);
    const second = page.getByRole('form', { name: 'Second step' });
    await second.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL('**/maps');
    // The authenticator signed once more: its counter moved on.
    const [used] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    expect(used!.signCount).toBeGreaterThan(credential!.signCount);

    await page.getByRole('link', { name: 'Account' }).click();
    await section.getByLabel('Password').fill(password);
    await section.getByRole('button', { name: 'Remove passkey Laptop' }).click();
    await section.getByText('A passkey on this device or a security key can answer the second step instead of a code.').waitFor();
    await auth.logout();
    await auth.login(email, password);
    expect(person.errors).toEqual([]);
  });
});
