import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './tests/helpers/longest-first-sequencer.js';

// Both projects share this run's test database templates (tests/helpers/database-templates.ts).
const TEMPLATES = 'tests/helpers/template-setup.ts';

export default defineConfig({
  test: {
    // Generous: a loaded 2-core CI machine is several times slower than a quiet one.
    // Tests wait for conditions; they never assert how fast something happened.
    testTimeout: 240_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Each worker process keeps its modules from one test file to the next: the server's modules, Fastify's
    // schemas and PGlite's compiled engine are loaded once per worker, not once per file (1–5 s of CPU each on
    // the 2-core machine). Files share no rows (each opens its own database copy) and close what they open.
    isolate: false,
    // Password hashes at scrypt N = 2^14 instead of OWASP's 2^17 (server/auth/password-hash.ts):
    // the suite signs in hundreds of times, and each 2^17 hash takes 128 MiB and a quarter of a
    // second or more. tests/auth/limits.test.ts checks the default and the upgrade of older hashes.
    env: { GRIDSCOPE_PASSWORD_COST: '14' },
    maxWorkers: 2,
    // Slowest files first, so that the two workers finish together (see the sequencer).
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ['default', './tests/helpers/timing-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/browser/**'], globalSetup: [TEMPLATES] } },
      // The browser tests load the vite build; their global setup makes it when the sources are newer.
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], globalSetup: [TEMPLATES, 'tests/helpers/build-web.ts'] } },
    ],
  },
});
