import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Seeding a city and starting Chromium take a while on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/browser/**'] } },
      // The browser tests load the vite build; their global setup makes it when the sources are newer.
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], globalSetup: ['tests/helpers/build-web.ts'] } },
    ],
  },
});
