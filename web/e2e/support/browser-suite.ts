import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { TestApp, TestAppOptions } from '../../../test/utils/create-test-app';
import { launchBrowser } from './browser';
import { startWebAppServer } from './web-app-server';

/** What a browser spec file shares: one API serving the built app, and one Chromium. */
export interface BrowserSuite {
  readonly server: TestApp;
  readonly browser: Browser;
}

/**
 * Starts the server and Chromium before the file's tests and closes both after them; call it at
 * the top of a describe block. Its hooks run before the ones the file registers after the call,
 * so a file's own beforeAll (accounts, pages) can use both.
 */
export function browserSuite(options: TestAppOptions = {}): BrowserSuite {
  let server: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startWebAppServer(options);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the browser suite has not started: use it inside a test or hook');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser suite has not started: use it inside a test or hook');
      return browser;
    },
  };
}
