import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AuthPages } from './pages/auth-pages';
import { EditorPage } from './pages/editor-page';
import { MapsPage } from './pages/maps-page';
import { ShareDialog } from './pages/share-pages';
import { CHROMIUM_AVAILABLE, newPerson, PHONE, screenshot } from './support/browser';
import { browserSuite } from './support/browser-suite';

/** The serious and critical findings of axe-core on the page as it is, by rule and element. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** How far the page reaches past the window sideways, px (0: no sideways scroll). */
function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function onScreen(page: Page, name: string, role: 'button' | 'link' = 'button'): Promise<boolean> {
  const box = await page.getByRole(role, { name, exact: true }).first().boundingBox();
  const width = page.viewportSize()!.width;
  return box !== null && box.x >= 0 && box.x + box.width <= width;
}

describe.skipIf(!CHROMIUM_AVAILABLE)('every page for everyone, on any screen', () => {

  const suite = browserSuite();

  it('axe-core finds no serious or critical violation on any page, dialog or menu', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    const page = person.page;
    const findings: Record<string, string[]> = {};
    const check = async (name: string) => {
      findings[name] = await seriousViolations(page);
    };
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await check('login');
    await page.goto('/register');
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await check('register');

    await page.goto('/recover');
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await check('recover');
    const auth = new AuthPages(page);
    await auth.submitRegistration('axe@example.com', 'accessible to all');
    await page.getByRole('region', { name: 'Recovery kit' }).waitFor();
    await check('recovery kit');
    await auth.acceptRecoveryKit('Continue to my maps');
    await page.waitForURL('**/maps');
    await check('maps, empty');
    const maps = new MapsPage(page);
    await maps.createMap('Reachable');
    const editor = new EditorPage(page);
    await editor.loaded();
    await editor.addChild('First idea');
    await editor.waitForSaveState('saved');
    await check('editor');
    await editor.openMenu('First idea');
    await check('editor, node menu');
    await page.keyboard.press('Escape');
    await editor.chooseFromMenu('First idea', 'Note, link, colours, tags…');
    await page.getByRole('dialog', { name: 'Node details' }).waitFor();
    await check('editor, node details');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await editor.openShareDialog();
    const link = await new ShareDialog(page).createLink();
    await check('editor, share dialog');
    await new ShareDialog(page).close();
    await editor.openHistory();
    await check('history');
    // An older version (the latest has no Restore), beside the current map with what changed.
    await page.getByRole('list', { name: 'Versions' }).getByRole('button').nth(1).click();
    await page.getByRole('button', { name: 'Restore this version' }).waitFor();
    await page.getByRole('region', { name: 'What changed' }).waitFor();
    await page.locator('[aria-label="Current map"] me-tpc').first().waitFor();
    await check('history, an older version');
    await page.getByRole('button', { name: 'Save as a new map…' }).click();
    await page.getByRole('dialog', { name: 'Save as a new map' }).waitFor();
    await check('history, save as a new map');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: '← Back to the map' }).click();
    await editor.loaded();
    await page.keyboard.press('Control+s');
    await page.getByRole('dialog', { name: 'Save version' }).waitFor();
    await check('editor, save version');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await check('account');
    await page.getByRole('link', { name: 'Maps', exact: true }).click();
    await maps.loaded();
    await check('maps, one map');
    await page.reload();
    await page.getByRole('heading', { name: 'Mindvault is locked' }).waitFor();
    await check('locked');
    await page.goto('/nowhere');
    await page.getByRole('heading', { name: 'Nothing here' }).waitFor();
    await check('not found');

    const reader = await newPerson(suite.browser, suite.server.baseUrl);
    await reader.page.goto(link);
    await reader.page.locator('me-tpc').first().waitFor();
    findings['share view'] = await seriousViolations(reader.page);

    expect(findings).toEqual(Object.fromEntries(Object.keys(findings).map((k) => [k, []])));
    await person.context.close();
    await reader.context.close();
    // Nineteen screens, an axe-core pass on each: minutes on a loaded machine, not the default minute.
  }, 240_000);

  it('on a phone (390×844, touch): no page scrolls sideways, every action is on screen, and nodes are added, edited, moved and removed by touch', async () => {
    const phone = await newPerson(suite.browser, suite.server.baseUrl, PHONE);
    const page = phone.page;
    const auth = new AuthPages(page);
    await auth.register('phone@example.com', 'thumbs only please');
    const maps = new MapsPage(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    for (const name of ['Log out', 'New map', 'Import…']) expect(await onScreen(page, name), name).toBe(true);
    await screenshot(page, 'phone-maps');

    await maps.createMap('Pocket plan');
    const editor = new EditorPage(page);
    await editor.loaded();
    expect(await sidewaysOverflow(page)).toBe(0);
    for (const name of ['Share…', 'Save version…', 'Export', 'Add child', 'Edit text', 'Remove', 'Move up', 'Fit to screen']) expect(await onScreen(page, name), name).toBe(true);

    const typeIntoBox = async (text: string) => {
      await page.locator('#input-box').waitFor();
      await page.keyboard.press('Control+a');
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
      await page.locator('#input-box').waitFor({ state: 'detached' });
    };
    await editor.node('Pocket plan').tap();
    await page.getByRole('button', { name: 'Add child', exact: true }).tap();
    await typeIntoBox('Tapped one');
    await editor.node('Tapped one').tap();
    await page.getByRole('button', { name: 'Add child', exact: true }).tap();
    await typeIntoBox('Inner A');
    await editor.node('Inner A').tap();
    await page.getByRole('button', { name: 'Add sibling', exact: true }).tap();
    await typeIntoBox('Inner B');
    await editor.node('Inner B').tap();
    await page.getByRole('button', { name: 'Edit text', exact: true }).tap();
    await typeIntoBox('Inner B, edited');
    await page.getByRole('button', { name: 'Move up', exact: true }).tap();
    await page.getByRole('button', { name: 'Add sibling', exact: true }).tap();
    await typeIntoBox('Short-lived');
    await editor.node('Short-lived').tap();
    await page.getByRole('button', { name: 'Remove', exact: true }).tap();
    await editor.node('Short-lived').waitFor({ state: 'detached' });
    await editor.waitForSaveState('saved');
    expect(await editor.outline()).toBe('# Pocket plan\n\n- Tapped one\n  - Inner B, edited\n  - Inner A\n');
    expect(await sidewaysOverflow(page)).toBe(0);
    await screenshot(page, 'phone-editor');

    await editor.openHistory();
    await page.getByRole('list', { name: 'Versions' }).getByRole('button').nth(1).tap();
    await page.getByRole('button', { name: 'Restore this version' }).waitFor();
    await page.getByRole('region', { name: 'What changed' }).waitFor();
    await page.locator('[aria-label="Current map"] me-tpc').first().waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    for (const name of ['Restore this version', 'Save as a new map…', 'Name and pin…']) expect(await onScreen(page, name), name).toBe(true);
    await screenshot(page, 'phone-history');

    await page.getByRole('link', { name: 'Account' }).tap();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });
});
