import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Seeding a city and starting Chromium take a while on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Password hashes at scrypt N = 2^14 instead of OWASP's 2^17 (server/auth/password-hash.ts):
    // the suite signs in hundreds of times, and each 2^17 hash takes 128 MiB and a quarter of a
    // second or more. tests/auth/limits.test.ts checks the default and the upgrade of older hashes.
    env: { GRIDSCOPE_PASSWORD_COST: '14' },
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/browser/**'] } },
      // The browser tests load the vite build; their global setup makes it when the sources are newer.
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], globalSetup: ['tests/helpers/build-web.ts'] } },
    ],
  },
});
