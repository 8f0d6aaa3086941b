import type { Page } from 'playwright-core';

/** A map's versions, grouped by day: preview one beside the current map, restore, copy, name. */
export class HistoryPage {
  constructor(private readonly page: Page) {}

  private list() {
    return this.page.getByRole('list', { name: 'Versions' });
  }

  /** Every version's entry as its button reads (name, when, size, pinned, latest), newest first. */
  async versions(): Promise<string[]> {
    await this.list().waitFor();
    return (await this.list().getByRole('button').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** The day headings over the list ("Today", …). */
  async days(): Promise<string[]> {
    await this.list().waitFor();
    return this.list().getByRole('heading').allTextContents();
  }

  /** The page's heading, once the map's title is decrypted. */
  async title(): Promise<string> {
    const heading = this.page.getByRole('heading', { level: 1, name: /^History of / });
    await heading.waitFor();
    return (await heading.textContent())?.trim() ?? '';
  }

  /** Versions are listed newest first; 0 is the latest. */
  /** Selects a version and waits until it is the one drawn (not the one drawn before it). */
  async preview(index: number): Promise<void> {
    const button = this.list().getByRole('button').nth(index);
    const versionId = await button.getAttribute('data-version');
    await button.click();
    await this.page.locator(`[aria-label="Version preview"][data-version="${versionId}"] me-tpc`).first().waitFor();
  }

  async previewTexts(): Promise<string[]> {
    return (await this.page.locator('[aria-label="Version preview"] me-tpc').allTextContents()).map((t) => t.trim());
  }

  /** The current map, drawn beside an older version. */
  async currentTexts(): Promise<string[]> {
    await this.page.locator('[aria-label="Current map"] me-tpc').first().waitFor();
    return (await this.page.locator('[aria-label="Current map"] me-tpc').allTextContents()).map((t) => t.trim());
  }

  /** "What changed" between the previewed version and the current map: summary line, then each kind's row. */
  async changes(): Promise<{ summary: string; rows: string[] }> {
    const section = this.page.getByRole('region', { name: 'What changed' });
    await section.waitFor();
    const summary = (await section.locator('.changes-summary').textContent())?.trim() ?? '';
    const rows = await section.locator('.change-row').evaluateAll((els) => els.map((el) => [...el.children].map((c) => c.textContent?.trim()).join(' ')));
    return { summary, rows };
  }

  async canRestore(): Promise<boolean> {
    return (await this.page.getByRole('button', { name: 'Restore this version' }).count()) > 0;
  }

  async restore(): Promise<void> {
    await this.page.getByRole('button', { name: 'Restore this version' }).click();
    await this.page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  }

  /** Save as a new map… from the previewed version, under `name`; lands in the new map's editor. */
  async saveAsNewMap(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Save as a new map…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Save as a new map' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Save as a new map' }).click();
    await this.page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  }

  /** Name and pin… (or Rename…) the previewed version. */
  async nameVersion(name: string): Promise<void> {
    await this.page.getByRole('button', { name: /^(Name and pin…|Rename…)$/ }).click();
    const dialog = this.page.getByRole('dialog', { name: /this version$/ });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Save name' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  async unpin(): Promise<void> {
    await this.page.getByRole('button', { name: 'Unpin', exact: true }).click();
  }

  async showNamedOnly(on: boolean): Promise<void> {
    await this.page.getByLabel('Named versions only').setChecked(on);
  }
}
