import { createTestDatabase } from './test-database.js';

/**
 * Run by template-setup.ts in its own process at the start of a test run:
 * builds the migrated database template (database-templates.ts) while the
 * browser tests' global setup builds the web app, instead of after it, when
 * the first test file would build it and the second worker would wait.
 */
const db = await createTestDatabase();
await db.dispose();
