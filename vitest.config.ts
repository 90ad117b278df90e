import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The slow fault tests (minutes each) run with `npm run test:faults`, not in CI.
    exclude: ['**/node_modules/**', '**/.git/**', '**/*.slow.redis.test.ts'],
    globalSetup: ['test/setup/redis.ts'],
    // Two cores: Redis-bound end-to-end files start servers and workers of their own.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
