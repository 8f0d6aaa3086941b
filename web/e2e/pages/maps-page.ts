import type { Page } from 'playwright-core';

/** The list of maps. */
export class MapsPage {
  constructor(private readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/maps');
    await this.loaded();
  }

  async loaded(): Promise<void> {
    await this.page.getByRole('heading', { name: 'Your maps' }).waitFor();
    await this.page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
  }

  /** Creates a map and lands in its editor. Answers the map's id. */
  async createMap(title: string): Promise<string> {
    await this.page.getByLabel('Title of a new map').fill(title);
    await this.page.getByRole('button', { name: 'New map' }).click();
    await this.page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
    return this.page.url().split('/').pop()!;
  }

  async titles(): Promise<string[]> {
    await this.loaded();
    return this.page.locator('.map-list .map-title').allTextContents();
  }

  async open(title: string): Promise<void> {
    await this.page.getByRole('link', { name: title, exact: true }).click();
    await this.page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  }

  async rename(title: string, newTitle: string): Promise<void> {
    await this.page.getByRole('button', { name: `Rename ${title}` }).first().click();
    await this.page.getByLabel('New title').fill(newTitle);
    await this.page.getByRole('button', { name: 'Rename', exact: true }).click();
    await this.page.getByRole('link', { name: newTitle, exact: true }).waitFor();
  }

  async delete(title: string): Promise<void> {
    await this.page.getByRole('button', { name: `Delete ${title}` }).first().click();
    await this.page.getByRole('button', { name: 'Delete for good' }).click();
    await this.page.getByRole('link', { name: title, exact: true }).waitFor({ state: 'detached' });
  }

  /** Imports a file through the file picker and lands in the new map's editor. */
  async importFile(name: string, contents: string): Promise<void> {
    await this.page.getByLabel('Import a map file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(contents, 'utf8') });
    await this.page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  }

  /** Types into "Search all maps" and answers the results: each map's title and its matching nodes. */
  async searchAll(query: string): Promise<{ title: string; nodes: string[] }[]> {
    await this.page.getByRole('searchbox', { name: 'Search all maps' }).fill(query);
    // The results say which query they answer once the index is built.
    await this.page.locator(`.search-all [role="status"][data-query="${query.replace(/["\\]/g, '\\$&')}"]`).waitFor();
    const results = this.page.getByRole('list', { name: 'Search results' });
    if ((await results.count()) === 0) return [];
    const items = await results.locator(':scope > li').all();
    return Promise.all(items.map(async (item) => ({
      title: (await item.locator('.map-title').textContent()) ?? '',
      nodes: await item.locator('ul a').allTextContents(),
    })));
  }

  async error(): Promise<string> {
    const alert = this.page.getByRole('alert');
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }
}
