#!/usr/bin/env node
/**
 * The README's screenshots (docs/screenshots/*.png), taken in Chromium by playwright-core against
 * a running Mindvault: a demo account imports a demo map, then the maps page (with a search across
 * maps) and the editor are taken at desktop size (1280×800, light and dark) and at phone size
 * (390×844, touch).
 *
 *   npm start                                  # or: npm run bench -- --serve (prints its URL)
 *   node scripts/screenshots.mjs http://localhost:3000
 *
 * CHROMIUM_PATH overrides /usr/bin/chromium. The demo account is made fresh on every run.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const baseUrl = process.argv[2];
if (!baseUrl) {
  console.error('usage: node scripts/screenshots.mjs <base URL of a running Mindvault>');
  process.exit(2);
}
const OUT = resolve(import.meta.dirname, '..', 'docs', 'screenshots');
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const email = `demo-${Date.now()}@example.com`;
const password = 'a demo password for screenshots';

let id = 0;
const node = (text, children = [], details = {}) => ({ id: `n${++id}`, text, children, ...details });
const see = node('See', [node('Belém tower'), node('Tram 28', [], { tags: ['morning'] }), node('LX Factory')]);
const flat = node('Flat in Alfama', [], { note: 'Keys at the café downstairs.\nCheck-in after 3 pm.' });
const DEMO = {
  version: 1,
  root: node('Trip to Lisbon', [
    node('Getting there', [node('Flight, Friday 9:40'), node('Metro from the airport')]),
    node('Stay', [flat, node('Check out by 11')]),
    see,
    node('Eat', [node('Pastéis de nata', [], { icons: ['⭐'], style: { bold: true } }), node('Time Out Market'), node('Tasca do Chico', [], { link: 'https://example.com/tasca' })]),
    node('Budget', [node('Flights 180 €'), node('Flat 3 nights 240 €'), node('Food and trams 150 €')], { style: { background: '#fff4c2', color: '#3b3000' } }),
  ]),
  links: [{ id: 'l1', from: see.children[1].id, to: flat.id, label: 'starts near' }],
  summaries: [{ id: 's1', parent: see.id, start: 0, end: 2, label: 'Saturday' }],
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  await mkdir(OUT, { recursive: true });
  const shot = (page, name) => page.screenshot({ path: join(OUT, `${name}.png`) });

  // Desktop, light: register, import the demo map and two more, take the editor and the maps page.
  const desktop = await open(DESKTOP, 'light');
  await register(desktop);
  await importMap(desktop, 'lisbon.json', DEMO);
  await importMap(desktop, 'Garden.md', '# Garden\n\n- Tomatoes\n  - Stake them in May\n- Herbs\n  - Basil\n  - Mint\n');
  await importMap(desktop, 'Reading.md', '# Reading list\n\n- The Book of Disquiet (set in Lisbon)\n- Night Train to Lisbon\n');
  await openMap(desktop, 'Trip to Lisbon');
  await shot(desktop, 'editor');
  await desktop.getByRole('link', { name: '← Maps' }).click();
  await desktop.getByRole('searchbox', { name: 'Search all maps' }).fill('lisbon');
  await desktop.locator('.search-all [role="status"][data-query="lisbon"]').waitFor();
  await shot(desktop, 'maps');

  // Desktop, dark (the system's setting), as another device.
  const dark = await open(DESKTOP, 'dark');
  await logIn(dark);
  await openMap(dark, 'Trip to Lisbon');
  await shot(dark, 'editor-dark');

  // Phone.
  const phone = await open(PHONE, 'light');
  await logIn(phone);
  await shot(phone, 'maps-phone');
  await openMap(phone, 'Trip to Lisbon');
  await shot(phone, 'editor-phone');
  console.log(`written to ${OUT}`);
} finally {
  await browser.close();
}

async function open(device, colorScheme) {
  const context = await browser.newContext({ baseURL: baseUrl, colorScheme, ...device });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

async function register(page) {
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  const kit = page.getByRole('region', { name: 'Recovery kit' });
  await kit.getByLabel('I have written down or printed my recovery key').check();
  await kit.getByRole('button', { name: 'Continue to my maps' }).click();
  await page.waitForURL('**/maps');
}

async function logIn(page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/maps');
  await page.locator('.map-list').waitFor();
}

async function importMap(page, name, contents) {
  if (!page.url().endsWith('/maps')) {
    await page.getByRole('link', { name: '← Maps' }).click();
    await page.waitForURL('**/maps');
  }
  const buffer = Buffer.from(typeof contents === 'string' ? contents : JSON.stringify(contents), 'utf8');
  await page.getByLabel('Import a map file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  await page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  await page.locator('[aria-label="Save state"][data-state="saved"]').waitFor();
}

async function openMap(page, title) {
  if (!page.url().endsWith('/maps')) {
    await page.getByRole('link', { name: '← Maps' }).click();
    await page.waitForURL('**/maps');
  }
  await page.getByRole('link', { name: title, exact: true }).click();
  await page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  await page.locator('me-tpc').first().waitFor();
  await page.locator('[aria-label="Save state"][data-state="saved"]').waitFor();
  // The map fits itself to the window once drawn; the toasts of the import fade.
  await page.waitForFunction(() => document.querySelector('.toast') === null);
}
