import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM_PATH);

if (!CHROMIUM_AVAILABLE) {
  // Loud on purpose: a skipped browser suite must never pass for a green one.
  console.warn(`\n!!! ${'='.repeat(70)}\n!!! BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)\n!!! ${'='.repeat(70)}\n`);
}

/** Cheap Argon2id for accounts made in tests; the app reads it before any page script runs. */
const TEST_KDF = { memoryKiB: 64, iterations: 1, parallelism: 1 };

export const SCREENSHOT_DIR = resolve(process.env.TEST_RESULTS_DIR ?? 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  // launch() gives every run a fresh, throw-away user-data dir.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions, CSP violations included: a spec expects none. */
  errors: string[];
}

/** A phone's screen: 390×844 CSS pixels, touch, a mobile viewport. */
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 } as const;

/** A person's browser: its own cookies and storage, like a separate device (a laptop unless told). */
export async function newPerson(browser: Browser, baseUrl: string, device: { viewport: { width: number; height: number }; hasTouch?: boolean; isMobile?: boolean; deviceScaleFactor?: number } = { viewport: { width: 1280, height: 800 } }): Promise<Person> {
  const context = await browser.newContext({ baseURL: baseUrl, acceptDownloads: true, ...device });
  await context.addInitScript((cost) => {
    (globalThis as { __MINDVAULT_TEST_KDF__?: unknown }).__MINDVAULT_TEST_KDF__ = cost;
  }, TEST_KDF);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (a 4xx the page handles) is logged by Chromium itself; that is no fault.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
