import { css, html, LitElement, nothing } from 'lit';
import { CsvError, parseCsv } from '../../server/contract/directive-csv.js';
import { consoleStyles } from '../dispatch/dispatch-styles.js';
import type { NewDirective } from './directives-api.js';
import { strings, type Lang } from './directives-i18n.js';

/** A datetime-local value (YYYY-MM-DDTHH:mm) for an instant, in China time. */
function chinaLocal(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * The form to issue a directive: title, text, deadline (entered in China
 * time, whatever the browser's zone), all districts or chosen ones, daily
 * rounds until a date, and a CSV list previewed here (parsed with the
 * server's own parser) and sent as text. Fires `submit` with the body, or
 * `cancel`.
 */
export class DirectiveForm extends LitElement {
  static override properties = {
    lang: { attribute: false },
    districts: { attribute: false },
    busy: { attribute: false },
    chosen: { state: true },
    daily: { state: true },
    csv: { state: true },
  };
  static override styles = [
    consoleStyles,
    css`
      :host { display: block; padding: .8rem 1rem; overflow: auto; }
      h2 { margin: 0 0 .6rem; font-size: 1.1rem; }
      form { display: grid; grid-template-columns: 9rem minmax(0, 40rem); gap: .55rem .8rem; align-items: start; }
      label.k { color: #9fb3d1; font-size: .85rem; padding-top: .3rem; }
      input[type="text"] { width: 100%; box-sizing: border-box; }
      .districts { display: flex; flex-wrap: wrap; gap: .3rem .9rem; margin-top: .3rem; font-size: .85rem; }
      .hint { font-size: .78rem; color: #7d8aa3; }
      .error { color: #ff9aa5; font-size: .85rem; }
      .actions { grid-column: 2; display: flex; gap: .6rem; }
      @media (max-width: 700px) {
        form { grid-template-columns: minmax(0, 1fr); }
        label.k { padding-top: .2rem; }
        .actions { grid-column: 1; }
      }
    `,
  ];

  declare lang: Lang;
  declare districts: { code: string; name: string; name_en: string | null }[];
  declare busy: boolean;
  declare chosen: boolean;
  declare daily: boolean;
  /** The attached file: its text, and what parsing it found. */
  declare csv: { filename: string; text: string; rows: number; cols: number; error: string } | null;

  constructor() {
    super();
    this.chosen = false;
    this.daily = false;
    this.csv = null;
    this.busy = false;
  }

  override render() {
    const t = strings(this.lang).form;
    const soon = chinaLocal(Date.now() + 3_600_000);
    return html`<h2>${t.heading}</h2>
      <form @submit=${this.submit}>
        <label class="k" for="title">${t.title}</label><input id="title" name="title" type="text" required maxlength="200">
        <label class="k" for="body">${t.body}</label><textarea id="body" name="body" rows="4" maxlength="4000"></textarea>
        <label class="k" for="deadline">${t.deadline}</label>
        <div><input id="deadline" name="deadline" type="datetime-local" required .value=${soon}> <span class="hint">UTC+8</span></div>
        <span class="k">${t.to}</span>
        <div>
          <label><input type="radio" name="to" value="all" ?checked=${!this.chosen} @change=${() => (this.chosen = false)}> ${t.all}</label>
          <label><input type="radio" name="to" value="chosen" ?checked=${this.chosen} @change=${() => (this.chosen = true)}> ${t.chosen}</label>
          ${
            this.chosen
              ? html`<div class="districts">${this.districts.map(
                  (d) => html`<label><input type="checkbox" name="district" value=${d.code}> ${this.lang === 'en' && d.name_en ? d.name_en : d.name}</label>`,
                )}</div>`
              : nothing
          }
        </div>
        <span class="k">${strings(this.lang).daily}</span>
        <div><label><input type="checkbox" name="daily" ?checked=${this.daily} @change=${(e: Event) => (this.daily = (e.target as HTMLInputElement).checked)}> ${t.dailyOn}</label>
          ${this.daily ? html`<input name="daily_until" type="date" required .value=${soon.slice(0, 10)}>` : nothing}</div>
        <label class="k" for="csv">${t.csv}</label>
        <div><input id="csv" name="csv" type="file" accept=".csv,text/csv" @change=${this.readCsv}>
          <div class="hint">${t.csvHint}</div>
          ${this.csv?.error ? html`<div class="error" data-csv-error>${this.csv.error}</div>` : nothing}
          ${this.csv && !this.csv.error ? html`<div class="hint" data-csv-ok>${t.preview(this.csv.rows, this.csv.cols)}</div>` : nothing}</div>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.busy || !!this.csv?.error}>${t.send}</button>
          <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('cancel'))}>${t.cancel}</button>
        </div>
      </form>`;
  }

  private async readCsv(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) {
      this.csv = null;
      return;
    }
    const text = await file.text();
    try {
      const table = parseCsv(text);
      this.csv = { filename: file.name, text, rows: table.rows.length, cols: table.columns.length, error: '' };
    } catch (err) {
      const msg = err instanceof CsvError ? (this.lang === 'en' ? `line ${err.line}: ${err.en}` : `第 ${err.line} 行：${err.zh}`) : String(err);
      this.csv = { filename: file.name, text, rows: 0, cols: 0, error: msg };
    }
  }

  private submit(e: Event): void {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body: NewDirective = {
      title: String(form.get('title') ?? ''),
      body: String(form.get('body') ?? ''),
      // The centre works in China time: the deadline is read as UTC+8.
      deadline: `${String(form.get('deadline'))}:00+08:00`,
    };
    if (this.chosen) body.districts = form.getAll('district').map(String);
    if (this.daily) body.daily_until = String(form.get('daily_until'));
    if (this.csv) body.attachment = { filename: this.csv.filename, csv: this.csv.text };
    this.dispatchEvent(new CustomEvent('submit', { detail: body }));
  }
}

customElements.define('gs-directive-form', DirectiveForm);
