import type { Page } from 'playwright-core';

/** The share dialog of the editor. */
export class ShareDialog {
  constructor(private readonly page: Page) {}

  private get dialog() {
    return this.page.getByRole('dialog', { name: 'Share a read-only link' });
  }

  async createLink(options: { expires?: 'Never' | '1 day' | '7 days' | '30 days'; onlyThisVersion?: boolean } = {}): Promise<string> {
    await this.dialog.getByLabel('Expires').selectOption({ label: options.expires ?? 'Never' });
    await this.dialog.getByLabel(options.onlyThisVersion ? 'only the version saved now' : 'the latest version, as it changes').check();
    const field = this.dialog.getByLabel('Link', { exact: true });
    const previous = (await field.count()) > 0 ? await field.inputValue() : '';
    await this.dialog.getByRole('button', { name: 'Create link' }).click();
    await field.waitFor();
    await this.page.waitForFunction(
      ([old]) => {
        const input = document.querySelector<HTMLInputElement>('input[name="share-link"]');
        return input !== null && input.value !== '' && input.value !== old;
      },
      [previous],
    );
    return field.inputValue();
  }

  async links(): Promise<string[]> {
    return this.dialog.getByRole('list', { name: 'Share links' }).getByRole('listitem').allTextContents();
  }

  /** Revoke, then the second press the row asks for. */
  async revoke(index: number): Promise<void> {
    const list = this.dialog.getByRole('list', { name: 'Share links' });
    const row = list.getByRole('listitem').nth(index);
    // The list loads after the dialog opens: counted once the row is there.
    await row.waitFor();
    const before = await list.getByRole('listitem').count();
    await row.getByRole('button', { name: /^Revoke the / }).click();
    await list.getByRole('button', { name: 'Revoke for good' }).click();
    await this.page.waitForFunction((n) => document.querySelectorAll('[aria-label="Share links"] li').length === n, before - 1);
  }

  async close(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Close' }).click();
    await this.dialog.waitFor({ state: 'detached' });
  }
}

/** `/s/<token>#<key>` in a browser with no account. */
export class SharedMapPage {
  constructor(private readonly page: Page) {}

  async open(link: string): Promise<void> {
    await this.page.goto(link);
    await this.page.locator('h1.map-name:not(:text("Opening…"))').waitFor();
  }

  async title(): Promise<string> {
    return (await this.page.locator('h1.map-name').textContent()) ?? '';
  }

  async nodeTexts(): Promise<string[]> {
    await this.page.locator('me-tpc').first().waitFor();
    return (await this.page.locator('me-tpc').allTextContents()).map((t) => t.trim());
  }

  async error(): Promise<string> {
    const alert = this.page.getByRole('alert');
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }
}
