import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { CHROMIUM_AVAILABLE, newPerson, screenshot } from './support/browser';
import { browserSuite } from './support/browser-suite';

/** The code an authenticator app shows `offsetS` seconds from now. */
const codeAt = (secret: string, offsetS: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetS });

describe.skipIf(!CHROMIUM_AVAILABLE)('two-step login from the account page', () => {

  const suite = browserSuite();

  it('sets it up with a QR code and the first code, asks for a code at login (a wrong one first), and turns it off', async () => {
    const email = 'two.steps@example.com';
    const password = 'a password and a phone';
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const auth = new AuthPages(person.page);
    await auth.register(email, password);
    const account = new AccountPage(person.page);
    await account.open();
    const secret = await account.setUpTwoStep(password);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(person.page, 'two-step-setup');
    const backupCodes = await account.confirmTwoStep(await codeAt(secret, 0));
    expect(backupCodes).toHaveLength(10);
    expect(await account.twoStepText()).toContain('10 backup codes left');

    await auth.logout();
    await auth.submitLogin(email, password);
    expect(await auth.asksForCode()).toBe(true);
    await auth.enterCode('000000' === (await codeAt(secret, 30)) ? '111111' : '000000');
    await person.page.getByText('Wrong or already used code (or the passkey did not verify). Try again.').waitFor();
    await auth.enterCode(await codeAt(secret, 30));
    await person.page.waitForURL('**/maps');

    await account.open();
    await account.turnOffTwoStep(password, backupCodes[0]!);
    await auth.logout();
    await auth.login(email, password);
    expect(person.errors).toEqual([]);
  });
});
