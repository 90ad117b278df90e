import { defineConfig } from 'vitest/config';

/** The pure tests: no Redis, no app, no browser, so they run on any machine with Node alone. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.git/**', '**/*.redis.test.ts', '**/*.browser.test.ts'],
    testTimeout: 30_000,
  },
});
