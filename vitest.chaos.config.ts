import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: load, faults with real processes and signals, and the long fuzzer. Minutes,
 * not seconds, so it stays out of `npm test`; files run one at a time, each owning the machine.
 */
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/chaos/**/*.chaos-spec.ts'],
    globalSetup: ['test/utils/global-setup.ts', 'test/chaos/compile-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    ...(process.env.TEST_RESULTS_DIR
      ? { reporters: ['default', 'json'], outputFile: { json: `${process.env.TEST_RESULTS_DIR}/chaos.json` } }
      : {}),
  },
});
