import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { actedFirstSentence } from '../../server/contract/acted-first.js';
import { BULK_MAX, type BulkAction } from '../../server/contract/incident-workflow.js';
import { errorMessage } from '../shared/api-request.js';
import { bulkTransition } from './dispatch-api.js';
import type { Lang } from './dispatch-i18n.js';

/** One item's outcome as the list shows it. */
export interface BulkRowResult {
  ok: boolean;
  /** Done: the action's name; refused: why (who acted first, or the server's reason). */
  message: string;
}

/**
 * The console's bulk work (new reports filed or rejected, incidents in hand
 * urged): which rows are ticked (click, Shift+click for a range, the x key,
 * or the whole queue), running one step on all of them, and
 * each item's outcome. Outcomes stay on their rows (a filed row stays in the
 * list, marked done) until cleared, so the user sees what happened to each.
 */
export class BulkSelection implements ReactiveController {
  checked = new Set<string>();
  results = new Map<string, BulkRowResult>();
  running = false;
  private anchor: string | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Ticks or unticks one row; with Shift, every row from the last one clicked to this one takes this one's new state. */
  toggle(code: string, range: boolean, rows: readonly { code: string }[]): void {
    const order = rows.map((r) => r.code);
    const on = !this.checked.has(code);
    const from = this.anchor === null ? -1 : order.indexOf(this.anchor);
    const to = order.indexOf(code);
    const span = range && from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [code];
    for (const c of span) {
      if (on) this.checked.add(c);
      else this.checked.delete(c);
    }
    this.anchor = code;
    this.host.requestUpdate();
  }

  /** Keeps only ticks on rows still shown (a filter changed, a row filed elsewhere); called while the host updates. */
  keepOnly(shown: readonly string[]): void {
    const keep = new Set(shown);
    for (const c of this.checked) if (!keep.has(c)) this.checked.delete(c);
  }

  /** The queue's rows, then rows with an outcome that have left the queue since (filed, rejected), until cleared. */
  withOutcomes<T extends { code: string }>(rows: T[], all: ReadonlyMap<string, T>): T[] {
    if (this.results.size === 0) return rows;
    const shown = new Set(rows.map((r) => r.code));
    return [...rows, ...[...this.results.keys()].filter((c) => !shown.has(c) && all.has(c)).map((c) => all.get(c)!)];
  }

  /** Ticks exactly these rows (the list's "tick all": every row of the queue that can be ticked, drawn or not; none to untick). */
  tickAll(codes: readonly string[]): void {
    this.checked = new Set(codes);
    this.anchor = null;
    this.host.requestUpdate();
  }

  clear(): void {
    this.checked.clear();
    this.anchor = null;
    this.host.requestUpdate();
  }

  clearResults(): void {
    this.results.clear();
    this.host.requestUpdate();
  }

  /**
   * Takes one step on every ticked row, BULK_MAX to a request; the server
   * applies each in its own transaction. Returns the codes it answered for, so
   * the caller can read them again (or, if a request failed, why: the rows
   * answered before it keep their outcomes, the rest stay ticked).
   */
  async run(action: BulkAction, note: string | undefined, csrf: string | null, lang: Lang, doneWord: string): Promise<string[] | string> {
    const codes = [...this.checked];
    if (codes.length === 0 || this.running) return [];
    this.running = true;
    this.host.requestUpdate();
    try {
      for (let at = 0; at < codes.length; at += BULK_MAX) {
        const part = codes.slice(at, at + BULK_MAX);
        const results = await bulkTransition(
          part.map((code) => ({ code, action, ...(note ? { note } : {}) })),
          csrf,
        );
        this.results = new Map(this.results);
        for (const r of results) {
          this.checked.delete(r.code);
          this.results.set(
            r.code,
            r.ok ? { ok: true, message: doneWord } : { ok: false, message: r.acted ? actedFirstSentence(r.acted, lang) : (r.error?.message ?? '') },
          );
        }
        this.host.requestUpdate();
      }
      return codes;
    } catch (err) {
      return errorMessage(err);
    } finally {
      this.running = false;
      this.host.requestUpdate();
    }
  }
}
