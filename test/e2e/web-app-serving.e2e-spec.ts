import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestApp } from '../utils/create-test-app';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

describe('the web app, served by the API', () => {
  let t: TestApp;
  let dist: string;

  beforeAll(async () => {
    // A stand-in build: the serving rules, not Vite's output, are under test here.
    dist = await mkdtemp(join(tmpdir(), 'mindvault-web-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><html><head><title>Mindvault</title></head><body><div id="app"></div></body></html>');
    await writeFile(join(dist, 'assets', 'index-AbC123.js'), 'console.log("app")');
    await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await createTestApp({ env: { WEB_DIST_DIR: dist } });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('answers / with index.html, never cached, under the strict CSP, billing marked off', async () => {
    const res = await fetch(`${t.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    const html = await res.text();
    expect(html).toContain('<div id="app"></div>');
    expect(html).toContain('<meta name="mindvault-billing" content="disabled">');
  });

  it('answers client-side routes with index.html, so a reload of /maps/<id> or /s/<token> works', async () => {
    for (const path of ['/maps', '/maps/0b0f4a5e-7f0e-4a7d-9a57-0d8c2b7f1e11', '/maps/x/history', '/account', '/s/some-token', '/login?next=%2Fmaps']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('<div id="app"></div>');
      expect(res.headers.get('content-security-policy'), path).toBe(CSP);
    }
  });

  it('serves hashed assets with a year-long immutable cache and other files revalidated', async () => {
    const asset = await fetch(`${t.baseUrl}/assets/index-AbC123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log("app")');
    const icon = await fetch(`${t.baseUrl}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a missing file with 404, not with the app', async () => {
    const res = await fetch(`${t.baseUrl}/assets/index-gone.js`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('<div id="app">');
  });

  it('leaves the API, /health and /docs as they were', async () => {
    const unknown = await fetch(`${t.baseUrl}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await unknown.json()).toMatchObject({ statusCode: 404 });
    const health = await fetch(`${t.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const docs = await fetch(`${t.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    expect(docs.headers.get('content-security-policy')).toBeNull();
  });
});
