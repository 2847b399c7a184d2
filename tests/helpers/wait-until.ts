/**
 * Polls `check` until it holds; throws naming `what` after `timeoutMs`. The
 * bound is generous on purpose (CI machines are slow): it only ends a hung
 * test, it is not a latency assertion.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 10): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
