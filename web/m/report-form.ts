import { css, html, LitElement, nothing } from 'lit';
import { URGENCIES, type Urgency } from '../../server/contract/vocabulary.js';
import { FIELD_CATEGORIES } from './field-categories.js';
import { icon } from './field-icons.js';
import { nearbyReports, type NearbyReport } from './field-api.js';
import { type Lang, strings } from './field-i18n.js';
import { newKey, type OutboxItem, outboxStore } from './outbox-store.js';
import { downscalePhoto } from './photo-downscale.js';
import { photoPicker, fieldStyles } from './field-styles.js';

export type Fix = { lon: number; lat: number; accuracy: number };

/**
 * 上报: category buttons, urgency, description, location (the phone's fix,
 * corrected by dragging the pin) and photos, downscaled on the phone. The
 * report goes into the outbox (outbox-store.ts) and fires `queued`; the app
 * sends it when it can. Before a new report, same-category reports within
 * 50 m and 24 h are offered: the worker may add the photos to one instead.
 */
export class ReportForm extends LitElement {
  static override properties = {
    lang: { attribute: false },
    fix: { attribute: false },
    shown: { attribute: false },
    category: { state: true },
    urgency: { state: true },
    pin: { state: true },
    photos: { state: true },
    nearby: { state: true },
    problem: { state: true },
    busy: { state: true },
  };
  static override styles = [
    fieldStyles,
    css`
      .cats { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.5rem; }
      .cats button { min-height: 4.6rem; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 0.2rem; font-size: 0.85rem; }
      .cats svg { color: #8fd3ff; }
      .urg { display: grid; gap: 0.4rem; }
      .urg button { text-align: left; display: flex; gap: 0.6rem; align-items: center; }
      .urg i { width: 1.1rem; height: 1.1rem; border-radius: 50%; flex: none; }
      [aria-pressed='true'] { outline: 3px solid #5cc8ff; background: #1d3358; }
      textarea { width: 100%; box-sizing: border-box; min-height: 5rem; font: inherit; font-size: 1rem; border-radius: 8px; background: #0f1930; color: inherit; border: 1px solid #2a3b60; padding: 0.6rem; }
      gs-field-map { height: 12rem; }
      .offer { background: #3a2a14; border: 1px solid #6b4f1c; border-radius: 10px; padding: 0.8rem; }
    `,
  ];

  override lang: Lang = 'zh';
  /** The phone's latest position fix. */
  fix: Fix | null = null;
  /**
   * The report screen is on show. The form is made while hidden (so a draft survives tab changes), but its map
   * only once the screen has been shown: otherwise a second MapLibre map (its WebGL context, its shaders) started
   * beside the home one, in a hidden section, on a slow phone's CPU on the way to the home map's first frame.
   */
  shown = false;
  private mapWanted = false;

  override willUpdate(): void {
    if (this.shown) this.mapWanted = true;
  }
  private category = '';
  private urgency: Urgency = 'blue';
  private pin: [number, number] | null = null;
  private photos: { blob: Blob; url: string }[] = [];
  private nearby: NearbyReport[] | null = null;
  private problem = '';
  private busy = false;

  private get t() {
    return strings(this.lang);
  }

  /** Where the report is: the dragged pin, else the phone's fix. */
  private get location(): [number, number] | null {
    return this.pin ?? (this.fix ? [this.fix.lon, this.fix.lat] : null);
  }

  private async addPhotos(input: HTMLInputElement): Promise<void> {
    const files = [...(input.files ?? [])];
    input.value = '';
    try {
      for (const file of files) {
        const blob = await downscalePhoto(file);
        this.photos = [...this.photos, { blob, url: URL.createObjectURL(blob) }];
      }
    } catch (err) {
      this.problem = err instanceof Error ? err.message : String(err);
    }
  }

  private async submit(asNew = false): Promise<void> {
    // One report per tap: until this one is in the outbox (and the form cleared), a second tap on either button, a
    // double tap on a slow phone, would read the same form again and queue a second report under a new key.
    if (this.busy) return;
    const where = this.location;
    if (!this.category) {
      this.problem = this.t.chooseCategory;
      return;
    }
    if (!where) {
      this.problem = this.t.needLocation;
      return;
    }
    this.busy = true;
    try {
      if (!asNew && navigator.onLine && this.photos.length > 0) {
        const near = await nearbyReports(where[0], where[1], this.category);
        if (near.length > 0) {
          this.nearby = near;
          return;
        }
      }
      await this.queue({
        kind: 'report',
        report: {
          category: this.category,
          urgency: this.urgency,
          description: this.renderRoot.querySelector('textarea')!.value.trim(),
          location: where,
          accuracy_m: this.pin ? null : (this.fix?.accuracy ?? null),
        },
      });
    } finally {
      this.busy = false;
    }
  }

  /** The nearby offer taken: the photos go to that incident, no new report. */
  private async addToExisting(code: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.queue({ kind: 'photos', code });
    } finally {
      this.busy = false;
    }
  }

  private async queue(what: Pick<OutboxItem, 'kind' | 'report' | 'code'>): Promise<void> {
    const item: OutboxItem = {
      ...what,
      id: newKey(),
      created_at: new Date().toISOString(),
      photos: this.photos.map((p) => ({ key: newKey(), kind: 'before', blob: p.blob, sent: false })),
      state: 'waiting',
    };
    await outboxStore.put(item);
    this.reset();
    this.dispatchEvent(new CustomEvent('queued', { detail: item.id, bubbles: true, composed: true }));
  }

  private reset(): void {
    for (const p of this.photos) URL.revokeObjectURL(p.url);
    this.photos = [];
    this.category = '';
    this.urgency = 'blue';
    this.pin = null;
    this.nearby = null;
    this.problem = '';
    this.renderRoot.querySelector('textarea')!.value = '';
  }

  override render() {
    const t = this.t;
    const where = this.location;
    return html`
      <h3>${t.category}</h3>
      <div class="cats">
        ${FIELD_CATEGORIES.map(
          (c) => html`<button type="button" data-category=${c.code} aria-pressed=${this.category === c.code} @click=${() => (this.category = c.code)}>
            ${icon(c.code)}${c.name[this.lang]}
          </button>`,
        )}
      </div>
      <h3>${t.urgency}</h3>
      <div class="urg">
        ${URGENCIES.map(
          (u) => html`<button type="button" data-urgency=${u} aria-pressed=${this.urgency === u} @click=${() => (this.urgency = u)}>
            <i style="background:${{ red: '#e5484d', yellow: '#f5c542', blue: '#3b82f6' }[u]}"></i><b>${t.urgencies[u][0]}</b> ${t.urgencies[u][1]}
          </button>`,
        )}
      </div>
      <h3>${t.description}</h3>
      <textarea name="description" placeholder=${t.descriptionHint} maxlength="2000"></textarea>
      <h3>${t.location}</h3>
      <p data-location>
        ${where ? `${where[1].toFixed(5)}, ${where[0].toFixed(5)}` : t.noFix}
        ${this.fix && !this.pin ? html` · ${t.accuracy(this.fix.accuracy)}` : nothing}
      </p>
      ${
        where && this.mapWanted
          ? html`<gs-field-map .pin=${where} .position=${this.fix ? [this.fix.lon, this.fix.lat] : null} @pin-moved=${(e: CustomEvent<[number, number]>) => (this.pin = e.detail)}></gs-field-map>
            <p class="hint">${t.dragPin}</p>`
          : nothing
      }
      <h3>${t.photos}</h3>
      ${photoPicker(t.addPhoto, (input) => this.addPhotos(input), this.photos, t.photoSize)}
      ${this.nearby ? this.renderOffer(this.nearby) : nothing}
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
      <button class="primary" type="button" data-submit ?disabled=${this.busy} @click=${() => this.submit()}>${t.submit}</button>
    `;
  }

  private renderOffer(near: NearbyReport[]) {
    const t = this.t;
    const first = near[0]!;
    const minutes = Math.round((Date.now() - Date.parse(first.reported_at)) / 60_000);
    return html`<div class="offer" data-nearby=${first.code}>
      <p>${t.nearbyAsk(t.ago(minutes))}</p>
      <p><b>${first.code}</b> · ${Math.round(first.distance_m)} m · ${first.description}</p>
      <button type="button" data-nearby-add ?disabled=${this.busy} @click=${() => this.addToExisting(first.code)}>${t.nearbyAdd}</button>
      <button type="button" data-nearby-new ?disabled=${this.busy} @click=${() => this.submit(true)}>${t.nearbyNew}</button>
    </div>`;
  }
}

customElements.define('gs-report-form', ReportForm);
declare global {
  interface HTMLElementTagNameMap {
    'gs-report-form': ReportForm;
  }
}
