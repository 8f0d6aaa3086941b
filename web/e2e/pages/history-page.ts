import type { Page } from 'playwright-core';

/** A map's versions: preview one, restore it. */
export class HistoryPage {
  constructor(private readonly page: Page) {}

  async versions(): Promise<string[]> {
    const list = this.page.getByRole('list', { name: 'Versions' });
    await list.waitFor();
    return list.getByRole('button').allTextContents();
  }

  /** Versions are listed newest first; 0 is the latest. */
  async preview(index: number): Promise<void> {
    await this.page.getByRole('list', { name: 'Versions' }).getByRole('button').nth(index).click();
    await this.page.locator('[aria-label="Version preview"] me-tpc').first().waitFor();
  }

  async previewTexts(): Promise<string[]> {
    return (await this.page.locator('[aria-label="Version preview"] me-tpc').allTextContents()).map((t) => t.trim());
  }

  async restore(): Promise<void> {
    await this.page.getByRole('button', { name: 'Restore this version' }).click();
    await this.page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  }
}
