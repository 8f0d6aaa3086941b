import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';

/** The map editor, driven with the keyboard as a person would. */
export class EditorPage {
  constructor(private readonly page: Page) {}

  async loaded(): Promise<void> {
    await this.page.locator('me-tpc').first().waitFor();
  }

  /** Tab on the selected node, then types the new child's text and presses Enter. */
  async addChild(text: string): Promise<void> {
    await this.page.keyboard.press('Tab');
    await this.typeIntoNewNode(text);
  }

  /** Enter on the selected node: a sibling after it. */
  async addSibling(text: string): Promise<void> {
    await this.page.keyboard.press('Enter');
    await this.typeIntoNewNode(text);
  }

  /** F2 on the selected node, replace its text. */
  async editSelected(text: string): Promise<void> {
    await this.page.keyboard.press('F2');
    await this.typeIntoNewNode(text);
  }

  async select(text: string): Promise<void> {
    await this.node(text).click();
  }

  async deleteSelected(): Promise<void> {
    await this.page.keyboard.press('Delete');
  }

  async undo(): Promise<void> {
    await this.page.keyboard.press('Control+z');
  }

  async redo(): Promise<void> {
    await this.page.keyboard.press('Control+y');
  }

  async nodeTexts(): Promise<string[]> {
    return (await this.page.locator('me-tpc').allTextContents()).map((t) => t.trim());
  }

  node(text: string) {
    // The text span alone: icons, tags and the link mark are drawn beside it in the same node.
    return this.page.locator('me-tpc').filter({ has: this.page.locator('.text', { hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });
  }

  async saveState(): Promise<string> {
    return (await this.page.getByRole('status', { name: 'Save state' }).getAttribute('data-state')) ?? '';
  }

  async waitForSaveState(state: 'saved' | 'unsaved' | 'saving' | 'failed' | 'conflict' | 'offline', timeout?: number): Promise<void> {
    await this.page.locator(`[aria-label="Save state"][data-state="${state}"]`).waitFor(timeout !== undefined ? { timeout } : {});
  }

  /** Waits until a node with exactly this text is on the map (another device's edit arriving). */
  async waitForNode(text: string, timeout = 20_000): Promise<void> {
    await this.node(text).waitFor({ timeout });
  }

  /** The per-node conflict dialog, when it is open. */
  conflictDialog() {
    return this.page.getByRole('dialog', { name: 'Changed here and on another device' });
  }

  async openHistory(): Promise<void> {
    await this.page.getByRole('link', { name: 'History' }).click();
    await this.page.waitForURL(/\/history$/);
  }

  /** Save version… (Ctrl+S, or its button): names and pins the map as it is, after its pending save. */
  async saveVersion(name: string, via: 'keys' | 'button' = 'keys'): Promise<void> {
    if (via === 'keys') await this.page.keyboard.press('Control+s');
    else await this.page.getByRole('button', { name: 'Save version…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Save version' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Save version' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  async openShareDialog(): Promise<void> {
    await this.page.getByRole('button', { name: 'Share…' }).click();
    await this.page.getByRole('dialog', { name: 'Share a read-only link' }).waitFor();
  }

  async export(label: string): Promise<Download> {
    await this.page.getByRole('button', { name: 'Export' }).click();
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('menuitem', { name: label }).click();
    return download;
  }

  /** Downloads an export and answers its text. */
  async exportText(label: string): Promise<string> {
    const download = await this.export(label);
    const path = await download.path();
    return readFile(path, 'utf8');
  }

  /** The map as a Markdown outline (its structure, in order). */
  async outline(): Promise<string> {
    return this.exportText('Markdown outline');
  }

  /** Drags one node onto another with the mouse: it becomes the other's child. */
  async drag(text: string, ontoText: string): Promise<void> {
    const from = await this.node(text).boundingBox();
    const to = await this.node(ontoText).boundingBox();
    if (!from || !to) throw new Error('node not on screen');
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 5 });
    await this.page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await this.page.mouse.up();
  }

  /** Right-clicks a node: the map's own menu. */
  async openMenu(text: string) {
    await this.node(text).click({ button: 'right' });
    const menu = this.page.getByRole('menu', { name: `Actions for “${text}”` });
    await menu.waitFor();
    return menu;
  }

  async menuEntries(text: string): Promise<string[]> {
    const menu = await this.openMenu(text);
    await menu.getByRole('menuitem').first().waitFor();
    const entries = (await menu.getByRole('menuitem').allTextContents()).map((t) => t.trim());
    await this.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    return entries;
  }

  async chooseFromMenu(text: string, entry: string): Promise<void> {
    const menu = await this.openMenu(text);
    await menu.getByRole('menuitem', { name: entry }).click();
  }

  /** The details form of a node, filled and saved. */
  async setDetails(text: string, details: { note?: string; link?: string; tags?: string; bold?: boolean; icon?: string }): Promise<void> {
    await this.chooseFromMenu(text, 'Note, link, colours, tags…');
    const dialog = this.page.getByRole('dialog', { name: 'Node details' });
    if (details.note !== undefined) await dialog.getByLabel('Note').fill(details.note);
    if (details.link !== undefined) await dialog.getByLabel('Link').fill(details.link);
    if (details.tags !== undefined) await dialog.getByLabel('Tags').fill(details.tags);
    if (details.bold) await dialog.getByLabel('Bold').check();
    if (details.icon) await dialog.getByRole('button', { name: details.icon }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** The map as the native JSON export: the whole document. */
  async documentJson(): Promise<Record<string, unknown> & { root: Record<string, unknown> & { children: Record<string, unknown>[] } }> {
    return JSON.parse(await this.exportText('Mindvault JSON'));
  }

  /** Settles every node of the open conflict dialog with its preselected (safe) choice, or the one named. */
  async settleConflicts(choice?: 'Keep both texts' | 'Keep mine' | 'Keep theirs'): Promise<void> {
    const dialog = this.conflictDialog();
    await dialog.waitFor();
    if (choice) for (const group of await dialog.getByRole('group').all()) await group.getByRole('radio', { name: choice }).check();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  async backToMaps(): Promise<void> {
    await this.page.getByRole('link', { name: '← Maps' }).click();
    await this.page.waitForURL('**/maps');
  }

  private async typeIntoNewNode(text: string): Promise<void> {
    const box = this.page.locator('#input-box');
    await box.waitFor();
    await this.page.keyboard.press('Control+a');
    // Long texts are pasted in one go, as typing them key by key only slows the test.
    if (text.length > 60) await this.page.keyboard.insertText(text);
    else await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
    await box.waitFor({ state: 'detached' });
    await this.node(text).waitFor();
  }
}
