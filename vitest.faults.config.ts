import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: every fault test, the slow ones too (the main config leaves out *.slow.redis.test.ts). */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/setup/redis.ts'],
    // Two cores: Redis-bound end-to-end files start servers and workers of their own.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
