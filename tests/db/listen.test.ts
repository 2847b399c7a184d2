import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Database.listen on both backends. On PGlite this is the check the event
 * stream depends on: a NOTIFY from the same instance reaches its own
 * listeners, at commit and only at commit.
 */
describe(`Database.listen on ${BACKEND}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => t?.dispose());

  const waitFor = async (check: () => boolean, what: string, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('delivers a notification when its transaction commits, never before, never for a rollback', async () => {
    const got: (string | null)[] = [];
    const stop = await t.db.listen('test_channel', (p) => got.push(p));
    const meanwhile: (string | null)[] = [];
    const stopMeanwhile = await t.db.listen('test_witness', (p) => meanwhile.push(p));
    await t.db.transaction(async (tx) => {
      await tx.query("SELECT pg_notify('test_channel', 'committed')");
      // An early delivery would have arrived by the time a witness has. On
      // PGlite (one session, notifications dispatched as each reply is read,
      // and a transaction holds the database) the witness is one more round
      // trip in this transaction; on PostgreSQL, a notification committed by
      // another connection meanwhile, which reaches the listener's connection
      // after anything the server sent it before.
      await tx.query('SELECT 1');
      if (BACKEND === 'postgres') {
        await t.db.query("SELECT pg_notify('test_witness', 'meanwhile')");
        await waitFor(() => meanwhile.length === 1, 'the witness notification');
      }
      expect(got).toEqual([]);
    });
    await stopMeanwhile();
    await waitFor(() => got.length === 1, 'the committed notification');
    expect(got).toEqual(['committed']);

    await t.db
      .transaction(async (tx) => {
        await tx.query("SELECT pg_notify('test_channel', 'rolled back')");
        throw new Error('abort');
      })
      .catch(() => undefined);
    await t.db.query("SELECT pg_notify('test_channel', 'marker')");
    await waitFor(() => got.includes('marker'), 'the marker');
    expect(got).toEqual(['committed', 'marker']);

    await stop();
    // A second listener on the channel shows when 'after stop' has been delivered.
    const witness: (string | null)[] = [];
    const stopWitness = await t.db.listen('test_channel', (p) => witness.push(p));
    await t.db.query("SELECT pg_notify('test_channel', 'after stop')");
    await waitFor(() => witness.includes('after stop'), 'the witness listener');
    expect(got).toEqual(['committed', 'marker']);
    await stopWitness();
  });

  it('keeps channels apart and serves several listeners on one channel', async () => {
    const a: (string | null)[] = [];
    const b: (string | null)[] = [];
    const other: (string | null)[] = [];
    const stops = await Promise.all([
      t.db.listen('shared_channel', (p) => a.push(p)),
      t.db.listen('shared_channel', (p) => b.push(p)),
      t.db.listen('other_channel', (p) => other.push(p)),
    ]);
    await t.db.query("SELECT pg_notify('shared_channel', '1')");
    await waitFor(() => a.length === 1 && b.length === 1, 'both listeners');
    await stops[0]!();
    await t.db.query("SELECT pg_notify('shared_channel', '2')");
    await waitFor(() => b.length === 2, 'the remaining listener');
    expect([a, b, other]).toEqual([['1'], ['1', '2'], []]);
    await Promise.all(stops.slice(1).map((s) => s()));
  });

  it('refuses a channel name that is not a plain identifier', async () => {
    await expect(t.db.listen('x; DROP TABLE region', () => undefined)).rejects.toThrow(TypeError);
    await expect(t.db.listen('Upper', () => undefined)).rejects.toThrow(TypeError);
  });
});
