import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { CHROMIUM_AVAILABLE, newPerson, screenshot } from './support/browser';
import { browserSuite } from './support/browser-suite';
import { withoutSavePicker } from './support/save-picker';

describe.skipIf(!CHROMIUM_AVAILABLE)('the account you can recover and take with you, in the browser', () => {

  const suite = browserSuite();

  it('shows a recovery kit at sign-up, resets a forgotten password with its words; the maps still open and export as one zip', async () => {
    const email = 'forgetful@example.com';
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    // The exports below take the download every browser has (account-export.e2e-spec.ts writes to a picked file).
    await withoutSavePicker(person.context);
    const page = person.page;
    const auth = new AuthPages(page);

    await auth.submitRegistration(email, 'the first password');
    const kit = page.getByRole('region', { name: 'Recovery kit' });
    await kit.waitFor();
    expect(await kit.getByLabel('Kit account').textContent()).toBe(email);
    expect(await kit.getByLabel('Kit server').textContent()).toBe(suite.server.baseUrl);
    // Going on needs the tick that the words were saved.
    expect(await kit.getByRole('button', { name: 'Continue to my maps' }).isEnabled()).toBe(false);
    await screenshot(page, 'recovery-kit');
    const words = await auth.acceptRecoveryKit('Continue to my maps');
    await page.waitForURL('**/maps');
    expect(words.split(' ')).toHaveLength(12);

    const maps = new MapsPage(page);
    await maps.createMap('Über Pläne');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.addChild('Nur mit dem Schlüssel');
    await editor.waitForSaveState('saved');
    await auth.logout();

    // Words of another key are refused, and say so.
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByText('Without it, a forgotten password cannot be recovered.').waitFor();
    await auth.submitRecovery(email, 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about', 'a second password');
    expect(await auth.error()).toBe('These words are not the recovery key of this account, or they were used already.');

    const replacement = await auth.recover(email, words.toUpperCase(), 'a second password');
    expect(replacement.split(' ')).toHaveLength(12);
    expect(replacement).not.toBe(words);
    await page.waitForURL('**/login');
    await auth.submitLogin(email, 'the first password');
    expect(await auth.error()).toBe('Wrong email or password.');
    await auth.login(email, 'a second password');
    await maps.open('Über Pläne');
    await editor.loaded();
    expect(await editor.nodeTexts()).toContain('Nur mit dem Schlüssel');

    // The account page: everything in one zip, with every version.
    const account = new AccountPage(page);
    await account.open();
    const archive = await account.exportEverything(true);
    expect(archive.name).toMatch(/^mindvault-forgetful-example-com-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(archive.bytes);
    expect(strFromU8(files['maps/Über Pläne/Über Pläne.md']!)).toContain('- Nur mit dem Schlüssel');
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest.maps[0].versions.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(files).filter((name) => name.startsWith('maps/Über Pläne/versions/') && name.endsWith('.opml'))).toHaveLength(manifest.maps[0].versions.length);

    const backup = (await account.downloadBackup()).trim().split('\n');
    expect(JSON.parse(backup[0]!)).toMatchObject({ type: 'header', format: 'mindvault-backup', email });
    expect(JSON.parse(backup.at(-1)!)).toMatchObject({ type: 'end', maps: 1 });
    expect(backup.join('\n')).not.toContain('Schlüssel');

    // The replacement recovery key is in force; a new one voids it.
    expect(await account.recoveryKeyText()).toMatch(/A recovery key can reset your password/);
    const renewed = await account.makeRecoveryKey('a second password');
    expect(renewed).not.toBe(replacement);
    await auth.logout();
    await page.goto('/recover');
    await auth.submitRecovery(email, replacement, 'a third password');
    expect(await auth.error()).toMatch(/not the recovery key of this account/);
    expect(person.errors).toEqual([]);
  });

  it('says plainly that nobody can reset the password once a key rotation dropped the recovery key', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const auth = new AuthPages(person.page);
    await auth.register('rotated@example.com', 'rotating all the keys');
    const account = new AccountPage(person.page);
    await account.open();
    expect(await account.recoveryKeyText()).toMatch(/A recovery key can reset your password/);
    await account.rotateKeys();
    expect(await account.recoveryKeyText()).toMatch(/You have no recovery key\. Nobody can reset your password/);
    await screenshot(person.page, 'recovery-key-missing');
    expect(person.errors).toEqual([]);
  });
});
