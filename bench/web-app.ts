import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { AuthPages } from '../web/e2e/pages/auth-pages';
import type { Figure } from './figure';

/**
 * The web app's budgets, measured in headless Chromium against the bench's API (which serves
 * web/dist): what a first visit downloads, how long from "Unlock" to an editable 1,000-node map,
 * and how much main-thread time one autosave of that map takes.
 */

const WEB_DIST = resolve('web/dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const KB = 1000;
const NODES = 1000;
const ROUNDS = 5;
const THROTTLED_ROUNDS = 3;
const KEY_ROUNDS = 15;

export async function benchWebApp(apiUrl: string): Promise<Figure[]> {
  console.log('\n[web] initial download, unlock → editable 1,000-node map (and CPU throttled 4×), a keystroke and an autosave in main-thread time (Chromium)');
  const figures = [initialDownload()];
  const page = await fetch(`${apiUrl}/`);
  if (!(await page.text()).includes('<div id="app">')) throw new Error('the API serves no web app: npm run build first');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const files = await mkdtemp(join(tmpdir(), 'mindvault-bench-'));
  try {
    const mapFile = join(files, 'big-map.json');
    await writeFile(mapFile, JSON.stringify(bigDocument()));
    // The production Argon2id (64 MiB, t = 3) as a person's account has it, and the tests' tiny
    // cost on a second account: the difference is what the KDF alone costs.
    const real = await seedAccount(browser, apiUrl, mapFile, false);
    const cheap = await seedAccount(browser, apiUrl, mapFile, true);
    const { totals: realUnlock, steps } = await timeUnlocks(real);
    const { totals: cheapUnlock } = await timeUnlocks(cheap);
    const stepMedians = Object.fromEntries(Object.keys(steps[0] ?? {}).map((name) => [name, Math.round(median(steps.map((s) => s[name] ?? 0)))]));
    const unlockMs = median(realUnlock);
    console.log(`unlock → editable: ${realUnlock.map(Math.round).join(', ')} ms (test KDF: ${cheapUnlock.map(Math.round).join(', ')} ms)`);
    figures.push({
      name: 'web: unlock → editable 1,000-node map (ms)',
      goal: '≤ 1 (ms ÷ 1000 ms budget)',
      ratio: unlockMs / 1000,
      pass: unlockMs <= 1000,
      raw: {
        medianMs: Math.round(unlockMs),
        roundsMs: realUnlock.map(Math.round),
        withTestKdfMedianMs: Math.round(median(cheapUnlock)),
        kdfShareMs: Math.round(unlockMs - median(cheapUnlock)),
        stepsMedianMs: stepMedians,
        kdf: 'argon2id m=64 MiB t=3 p=1 (production default)',
      },
    });
    // A phone's slower CPU: Chromium's renderer throttled 4× (CDP), the same unlock.
    const throttled = await withCpuThrottling(real.page, 4, () => timeUnlocks(real, THROTTLED_ROUNDS));
    const throttledMs = median(throttled.totals);
    console.log(`unlock → editable, CPU throttled 4×: ${throttled.totals.map(Math.round).join(', ')} ms`);
    figures.push({
      name: 'web: unlock → editable 1,000-node map, CPU throttled 4× (ms)',
      goal: '≤ 1 (ms ÷ 2500 ms budget)',
      ratio: throttledMs / 2500,
      pass: throttledMs <= 2500,
      raw: {
        medianMs: Math.round(throttledMs),
        roundsMs: throttled.totals.map(Math.round),
        stepsMedianMs: Object.fromEntries(Object.keys(throttled.steps[0] ?? {}).map((name) => [name, Math.round(median(throttled.steps.map((s) => s[name] ?? 0)))])),
        throttling: 'CDP Emulation.setCPUThrottlingRate 4 (a phone profile)',
      },
    });
    const keys = await timeKeystrokes(real.page);
    figures.push({
      name: 'web: a keystroke in a 1,000-node map, main-thread time (ms)',
      goal: '≤ 1 (ms ÷ 16 ms budget)',
      ratio: keys.typeMs / 16,
      pass: keys.typeMs <= 16,
      raw: { medianTypeMs: round1(keys.typeMs), medianCommitMs: round1(keys.commitMs), medianIdleMs: round1(keys.idleMs), rounds: KEY_ROUNDS },
      note: "Chromium's TaskDuration from a key press in the node's text box to the next frame, less the same wait with no key (idle); commitMs: Enter that ends the edit (the tree's roles redrawn, autosave scheduled)",
    });
    const autosave = await timeAutosaves(real.page);
    const autosaveMs = median(autosave.map((a) => a.taskMs));
    figures.push({
      name: 'web: autosave of a 1,000-node map, main-thread time (ms)',
      goal: '≤ 1 (ms ÷ 150 ms budget)',
      ratio: autosaveMs / 150,
      pass: autosaveMs <= 150,
      raw: {
        medianTaskMs: Math.round(autosaveMs),
        medianScriptMs: Math.round(median(autosave.map((a) => a.scriptMs))),
        medianWallMs: Math.round(median(autosave.map((a) => a.wallMs))),
        rounds: autosave.map((a) => ({ taskMs: Math.round(a.taskMs), wallMs: Math.round(a.wallMs) })),
        encryptedBytes: autosave[0]?.bytes,
      },
      note: "Chromium's TaskDuration (all main-thread work) between the save's start and the saved state",
    });
  } finally {
    await browser.close();
    await rm(files, { recursive: true, force: true });
  }
  return figures;
}

/** What index.html pulls in before anything is typed: its scripts, styles and preloads, gzipped. */
function initialDownload(): Figure {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const sizes = Object.fromEntries(referenced.map((file) => [file, gzipSync(readFileSync(join(WEB_DIST, file)), { level: 9 }).length]));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  const wasm = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.wasm'));
  const wasmGzip = wasm.reduce((sum, f) => sum + gzipSync(readFileSync(join(WEB_DIST, 'assets', f)), { level: 9 }).length, 0);
  const allJs = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js'));
  return {
    name: 'web: initial JS + CSS, gzip (KB)',
    goal: '≤ 1 (KB ÷ 300 KB budget; WASM apart)',
    ratio: total / (300 * KB),
    pass: total <= 300 * KB,
    raw: {
      gzipKB: round1(total / KB),
      files: Object.fromEntries(Object.entries(sizes).map(([f, n]) => [f, round1(n / KB)])),
      uncompressedKB: round1(referenced.reduce((s, f) => s + statSync(join(WEB_DIST, f)).size, 0) / KB),
      lazyJsFiles: allJs.length - referenced.filter((f) => f.endsWith('.js')).length,
      wasmGzipKB: round1(wasmGzip / KB),
    },
  };
}

interface Seeded {
  page: Page;
  password: string;
  mapUrl: string;
}

async function seedAccount(browser: Browser, apiUrl: string, mapFile: string, testKdf: boolean): Promise<Seeded> {
  const context = await browser.newContext({ baseURL: apiUrl, viewport: { width: 1280, height: 800 } });
  if (testKdf) {
    await context.addInitScript(() => {
      (globalThis as { __MINDVAULT_TEST_KDF__?: unknown }).__MINDVAULT_TEST_KDF__ = { memoryKiB: 64, iterations: 1, parallelism: 1 };
    });
  }
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const password = 'a bench password, long enough';
  // Sign-up as the browser specs do it (the recovery kit ticked as written down, then the maps).
  await new AuthPages(page).register(`bench-${testKdf ? 'cheap' : 'real'}-${Date.now()}@example.com`, password);
  await page.getByLabel('Import a map file').setInputFiles(mapFile);
  await page.waitForURL(/\/maps\/[0-9a-f-]{36}$/);
  await page.locator('me-tpc').nth(NODES - 1).waitFor();
  return { page, password, mapUrl: page.url() };
}

/** Reload the map's page (locked), type the password, click Unlock; stop when all nodes are editable. */
async function timeUnlocks({ page, password, mapUrl }: Seeded, count = ROUNDS): Promise<{ totals: number[]; steps: Record<string, number>[] }> {
  const rounds: number[] = [];
  const steps: Record<string, number>[] = [];
  for (let i = 0; i < count; i++) {
    await page.goto(mapUrl);
    await page.getByRole('heading', { name: 'Mindvault is locked' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(password);
    const start = performance.now();
    await page.getByRole('button', { name: 'Unlock' }).click();
    // The page's CSP refuses string evaluation: locators poll from Playwright's own world.
    await page.locator('me-tpc').nth(NODES - 1).waitFor();
    await page.locator('[aria-label="Save state"]').waitFor();
    rounds.push(performance.now() - start);
    // The app's own spans (web/src/session/timing.ts): unlock, open-map, render.
    steps.push(await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('measure').filter((m) => m.name.startsWith('mindvault:')).map((m) => [m.name.slice(10), m.duration]))));
  }
  return { totals: rounds, steps };
}

async function withCpuThrottling<T>(page: Page, rate: number, work: () => Promise<T>): Promise<T> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  try {
    return await work();
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
  }
}

/**
 * Main-thread time of one key typed into a node's text box in the open 1,000-node map: from the
 * press to the frame after it (two animation frames), less the same wait without a key. Also the
 * Enter that ends an edit (the change reaches the page: tree roles redrawn, autosave scheduled).
 */
async function timeKeystrokes(page: Page): Promise<{ typeMs: number; commitMs: number; idleMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  // Runs in the page (bench/ is compiled without the DOM's types).
  const nextFrame = () =>
    page.evaluate(() => {
      const frame = (globalThis as unknown as { requestAnimationFrame: (callback: () => void) => number }).requestAnimationFrame;
      return new Promise<void>((resolve) => frame(() => frame(() => resolve())));
    });
  const measure = async (act: () => Promise<void>) => {
    const before = await busy();
    await act();
    await nextFrame();
    return (await busy()) - before;
  };
  const idle: number[] = [];
  const typed: number[] = [];
  const commits: number[] = [];
  for (let i = 0; i < KEY_ROUNDS; i++) {
    // The root is selected when the map opens: its text box.
    await page.keyboard.press('F2');
    await page.locator('#input-box').waitFor();
    await nextFrame();
    idle.push(await measure(async () => {}));
    typed.push(await measure(() => page.keyboard.press('x')));
    commits.push(await measure(() => page.keyboard.press('Enter')));
    await page.locator('#input-box').waitFor({ state: 'detached' });
  }
  await cdp.detach();
  // The edits saved before the autosave is measured.
  await page.locator('[aria-label="Save state"][data-state="saved"]').waitFor();
  const idleMs = median(idle);
  return { typeMs: Math.max(0, median(typed) - idleMs), commitMs: Math.max(0, median(commits) - idleMs), idleMs };
}

/** Edit one node, let the edit settle, then measure the main thread from the save's start to "saved". */
async function timeAutosaves(page: Page): Promise<{ taskMs: number; scriptMs: number; wallMs: number; bytes: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    return { task: get('TaskDuration'), script: get('ScriptDuration') };
  };
  let bytes = 0;
  page.on('request', (request) => {
    if (request.method() === 'PUT' && request.url().endsWith('/blob')) bytes = request.postDataBuffer()?.length ?? 0;
  });
  const rounds: { taskMs: number; scriptMs: number; wallMs: number; bytes: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // The root is selected when the map opens (most nodes are off screen): edit its text.
    await page.keyboard.press('F2');
    await page.locator('#input-box').waitFor();
    await page.keyboard.type(` edit ${i}`);
    await page.keyboard.press('Enter');
    await page.locator('[aria-label="Save state"][data-state="unsaved"]').waitFor();
    // The save starts 800 ms after the edit: measure from half-way, once the edit's own layout
    // work is done, so the window holds the whole save (snapshot, encryption, upload) and no edit.
    await page.waitForTimeout(400);
    const before = await metric();
    const start = performance.now();
    await page.locator('[aria-label="Save state"][data-state="saved"]').waitFor();
    const wallMs = performance.now() - start;
    const after = await metric();
    rounds.push({ taskMs: after.task - before.task, scriptMs: after.script - before.script, wallMs, bytes });
  }
  return rounds;
}

/** 1 root, 10 branches of 10 sub-branches, the rest as leaves: exactly NODES nodes. */
function bigDocument() {
  let n = 0;
  const node = (text: string, children: unknown[] = []) => ({ id: `node-${n++}`, text, children });
  const branches = Array.from({ length: 10 }, (_, b) => node(`Branch ${b}`, Array.from({ length: 10 }, (_, s) => node(`Topic ${b}.${s}`))));
  let leaves = NODES - 1 - 10 - 100;
  for (let i = 0; leaves > 0; i++, leaves--) {
    const topic = branches[i % 10]!.children[Math.floor(i / 10) % 10] as { children: unknown[] };
    topic.children.push(node(`Idea number ${i} with a few words`));
  }
  return { version: 1, root: node('A thousand ideas', branches) };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
