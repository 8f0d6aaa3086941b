import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // NOTE: argon2id is pure JS; tests use tiny cost parameters, but leave headroom on a busy CI box.
    testTimeout: 30_000,
  },
});
