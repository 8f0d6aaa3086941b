import type { BrowserContext, Page } from 'playwright-core';

/** What the app asked the picker for: the name it suggested and the types it offered. */
export interface SaveRequest {
  suggestedName: string;
  types: { description: string; accept: Record<string, string[]> }[];
}

/**
 * Pages of `context` save like a browser without `showSaveFilePicker` (Firefox, Safari): the app
 * falls back to a download. Needed in Chromium because headless Chromium's own picker aborts at
 * once, which the app takes for a cancel.
 */
export async function withoutSavePicker(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
}

/**
 * Pages of `context` get a `showSaveFilePicker` that answers, with no dialog, the suggested name
 * in the origin-private file system: a real on-disk file and writable, which a native picker
 * cannot give a headless browser. Each request is recorded for savePickerRequests.
 */
export async function withOpfsSavePicker(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const requests: unknown[] = [];
    Object.assign(window, {
      __saveRequests: requests,
      showSaveFilePicker: async (options: { suggestedName: string }) => {
        requests.push(options);
        const root = await navigator.storage.getDirectory();
        return root.getFileHandle(options.suggestedName, { create: true });
      },
    });
  });
}

export async function savePickerRequests(page: Page): Promise<SaveRequest[]> {
  return page.evaluate(() => (window as unknown as { __saveRequests: SaveRequest[] }).__saveRequests);
}

/** A file in the page's origin-private file system, moved to Node in slices (one message of tens of MiB would be slow). */
export async function readOpfsFile(page: Page, name: string): Promise<Buffer> {
  const slice = 8 * 1024 * 1024;
  const size = await page.evaluate(async (name) => (await (await (await navigator.storage.getDirectory()).getFileHandle(name)).getFile()).size, name);
  const parts: Buffer[] = [];
  for (let start = 0; start < size; start += slice) {
    const base64 = await page.evaluate(
      async ({ name, start, end }) => {
        const file = await (await (await navigator.storage.getDirectory()).getFileHandle(name)).getFile();
        const url = await new Promise<string>((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(reader.result as string);
          reader.onerror = () => reject(reader.error);
          reader.readAsDataURL(file.slice(start, end));
        });
        return url.slice(url.indexOf(',') + 1);
      },
      { name, start, end: start + slice },
    );
    parts.push(Buffer.from(base64, 'base64'));
  }
  return Buffer.concat(parts);
}
