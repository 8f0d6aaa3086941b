import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // NOTE: argon2id is pure JS; tests use tiny cost parameters, but leave headroom on a busy CI box.
    testTimeout: 30_000,
    // CI adds a JSON report per run, which .ci/run sums into one closing line.
    ...(process.env.TEST_RESULTS_DIR
      ? { reporters: ['default', 'json'], outputFile: { json: `${process.env.TEST_RESULTS_DIR}/client.json` } }
      : {}),
  },
});
