import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // NOTE: SWC keeps decorator metadata, which esbuild drops and Nest's DI needs.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  // The browser specs (web/e2e) reuse the app's pure format code, which names the SDK by package.
  resolve: { alias: { '@mindvault/client': resolve(__dirname, 'client/src/index.ts') } },
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts', 'test/**/*.contract-spec.ts', 'web/e2e/**/*.e2e-spec.ts'],
    globalSetup: ['test/utils/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // CI adds a JSON report per run, which .ci/run sums into one closing line.
    ...(process.env.TEST_RESULTS_DIR
      ? { reporters: ['default', 'json'], outputFile: { json: `${process.env.TEST_RESULTS_DIR}/server.json` } }
      : {}),
  },
});
