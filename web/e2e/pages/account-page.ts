import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

/** Plan, storage, password and keys. */
export class AccountPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('link', { name: 'Account' }).click();
    await this.page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
    await this.page.getByLabel('Storage used').waitFor();
  }

  async planText(): Promise<string> {
    return (await this.page.getByRole('region', { name: 'Plan and storage' }).textContent()) ?? '';
  }

  async usage(): Promise<number> {
    return Number(await this.page.getByLabel('Storage used').getAttribute('value'));
  }

  async upgradeOffered(): Promise<boolean> {
    return (await this.page.getByRole('button', { name: /^Upgrade to/ }).count()) > 0;
  }

  async changePassword(current: string, next: string): Promise<void> {
    const section = this.page.getByRole('region', { name: 'Change password' });
    await section.getByLabel('Current password').fill(current);
    await section.getByLabel('New password', { exact: true }).fill(next);
    await section.getByLabel('Repeat new password').fill(next);
    await section.getByRole('button', { name: 'Change password' }).click();
    await this.page.getByText('Password changed.').waitFor();
  }

  /** Exports every map as a zip; answers the downloaded file's name and bytes. */
  async exportEverything(allVersions: boolean): Promise<{ name: string; bytes: Buffer }> {
    const section = this.page.getByRole('region', { name: 'Export everything' });
    if (allVersions) await section.getByLabel('Include every version').check();
    const download = this.page.waitForEvent('download');
    await section.getByRole('button', { name: 'Download all maps (.zip)' }).click();
    const file = await download;
    await section.getByRole('status').waitFor();
    return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
  }

  /** Downloads the encrypted backup; answers its text. */
  async downloadBackup(): Promise<string> {
    const section = this.page.getByRole('region', { name: 'Export everything' });
    const download = this.page.waitForEvent('download');
    await section.getByRole('button', { name: 'Download encrypted backup' }).click();
    return readFile(await (await download).path(), 'utf8');
  }

  /** The recovery-key section's status line. */
  async recoveryKeyText(): Promise<string> {
    const status = this.page.getByRole('region', { name: 'Recovery key' }).getByRole('status');
    await status.waitFor();
    return (await status.textContent()) ?? '';
  }

  /** A new recovery key (the password asked again); answers its words once the kit is saved. */
  async makeRecoveryKey(password: string): Promise<string> {
    const section = this.page.getByRole('region', { name: 'Recovery key' });
    await section.getByLabel('Password').fill(password);
    await section.getByRole('button', { name: /Make a (new )?recovery key/ }).click();
    const kit = this.page.getByRole('region', { name: 'Recovery kit' });
    await kit.waitFor();
    const words = await kit.getByRole('list', { name: 'Recovery key words' }).getByRole('listitem').allTextContents();
    await kit.getByLabel('I have written down or printed my recovery key').check();
    await kit.getByRole('button', { name: 'Done' }).click();
    await section.waitFor();
    return words.join(' ');
  }

  /** Answers the result line, e.g. "New keys (version 2); 1 map re-wrapped." */
  async rotateKeys(): Promise<string> {
    const section = this.page.getByRole('region', { name: 'Rotate keys' });
    await section.getByRole('button', { name: 'Rotate keys' }).click();
    const result = section.getByRole('status');
    await result.waitFor();
    return (await result.textContent()) ?? '';
  }

  /** Fills the deletion form; answers whether the delete button is enabled after typing `confirm`. */
  async fillDeletion(confirm: string, password: string): Promise<boolean> {
    const section = this.page.getByRole('region', { name: 'Delete account' });
    await section.getByLabel(/to confirm/).fill(confirm);
    await section.getByLabel('Password').fill(password);
    return section.getByRole('button', { name: 'Delete my account forever' }).isEnabled();
  }

  /** Submits the filled deletion form; does not wait for the outcome. */
  async submitDeletion(): Promise<void> {
    await this.page.getByRole('region', { name: 'Delete account' }).getByRole('button', { name: 'Delete my account forever' }).click();
  }

  async deletionError(): Promise<string> {
    const alert = this.page.getByRole('region', { name: 'Delete account' }).getByRole('alert');
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }

  /** Starts two-step login with the password; answers the secret key the page shows beside the QR code. */
  async setUpTwoStep(password: string): Promise<string> {
    const section = this.page.getByRole('region', { name: 'Two-step login' });
    await section.getByLabel('Password').fill(password);
    await section.getByRole('button', { name: 'Set up two-step login' }).click();
    await section.getByRole('img', { name: 'QR code for the authenticator app' }).waitFor();
    return (await section.getByLabel('Secret key').textContent()) ?? '';
  }

  /** Types the app's first code; answers the backup codes shown once. */
  async confirmTwoStep(code: string): Promise<string[]> {
    const section = this.page.getByRole('region', { name: 'Two-step login' });
    await section.getByLabel('Code the app shows').fill(code);
    await section.getByRole('button', { name: 'Turn on' }).click();
    const list = section.getByRole('list', { name: 'Backup codes' });
    await list.waitFor();
    const codes = await list.getByRole('listitem').allTextContents();
    await section.getByRole('button', { name: 'I have saved them' }).click();
    await section.getByText(/Two-step login is on;/).waitFor();
    return codes;
  }

  async twoStepText(): Promise<string> {
    return (await this.page.getByRole('region', { name: 'Two-step login' }).textContent()) ?? '';
  }

  async turnOffTwoStep(password: string, code: string): Promise<void> {
    const section = this.page.getByRole('region', { name: 'Two-step login' });
    await section.getByLabel('Password').fill(password);
    await section.getByLabel('Code from the app, or a backup code').fill(code);
    await section.getByRole('button', { name: 'Turn off two-step login' }).click();
    await section.getByRole('button', { name: 'Set up two-step login' }).waitFor();
  }
}
