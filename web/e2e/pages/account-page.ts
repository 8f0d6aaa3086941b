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

  /** Exports every map as a zip through a download (a browser without a save picker); answers the file's name and bytes. */
  async exportEverything(allVersions: boolean): Promise<{ name: string; bytes: Buffer }> {
    const download = this.page.waitForEvent('download');
    await this.startExport(allVersions);
    const file = await download;
    await this.exportSection().getByRole('status').waitFor();
    return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
  }

  /** Downloads the encrypted backup (a browser without a save picker); answers its text. */
  async downloadBackup(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.startBackup();
    return readFile(await (await download).path(), 'utf8');
  }

  /** Clicks Download all maps (.zip), every version included or not; does not wait for the file. */
  async startExport(allVersions: boolean): Promise<void> {
    const section = this.exportSection();
    if (allVersions) await section.getByLabel('Include every version').check();
    await section.getByRole('button', { name: 'Download all maps (.zip)' }).click();
  }

  /** Clicks Download encrypted backup; does not wait for the file. */
  async startBackup(): Promise<void> {
    await this.exportSection().getByRole('button', { name: 'Download encrypted backup' }).click();
  }

  /** Waits for the export section to say it saved a file ending in `extension`; answers that line. */
  async savedText(extension: string): Promise<string> {
    const status = this.exportSection().getByRole('status').filter({ hasText: new RegExp(`^Saved .*\\.${extension}\\.$`) });
    await status.waitFor({ timeout: 120_000 });
    return (await status.textContent()) ?? '';
  }

  /** Waits for the export section's error; answers it. */
  async exportError(): Promise<string> {
    const alert = this.exportSection().getByRole('alert');
    await alert.waitFor({ timeout: 120_000 });
    return (await alert.textContent()) ?? '';
  }

  /** Whether a Download button is back (no export running). */
  async exportIdle(): Promise<boolean> {
    return this.exportSection().getByRole('button', { name: 'Download all maps (.zip)' }).isVisible();
  }

  private exportSection() {
    return this.page.getByRole('region', { name: 'Export everything' });
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
