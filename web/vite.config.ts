/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const clientEntry = fileURLToPath(new URL('../client/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    // NOTE: the SDK is bundled from its TypeScript sources (WebCrypto + @noble only), so the app
    // needs no separate client build and always ships the SDK of the same commit.
    alias: { '@mindvault/client': clientEntry },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    // The CSP forbids inline scripts and data: scripts: every asset must be a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  test: {
    include: ['src/**/*.test.ts'],
    // CI adds a JSON report per run, which .ci/run sums into one closing line.
    ...(process.env.TEST_RESULTS_DIR
      ? { reporters: ['default', 'json'], outputFile: { json: `${process.env.TEST_RESULTS_DIR}/web.json` } }
      : {}),
  },
});
