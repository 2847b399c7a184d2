import { html, nothing } from 'lit';
import { scopeName, type Me } from '../shared/session.js';
import type { Community } from './plan-api.js';
import { strings, type Lang } from './plan-i18n.js';

/** The editor's header: the community picker (the map picks too: plan-published.ts), who is signed in, language, home. */
export function planHeader(o: {
  lang: Lang;
  me: Me | null;
  communities: readonly Community[];
  community: string;
  onCommunity: (code: string) => void;
  onLanguage: () => void;
}) {
  const t = strings(o.lang);
  const p = o.me?.principal;
  return html`<header>
    <h1><span>Gridscope</span> · ${t.title}</h1>
    <label>${t.community}
      <select data-community @change=${(e: Event) => o.onCommunity((e.target as HTMLSelectElement).value)}>
        <option value="">${t.pickCommunity}</option>
        ${o.communities.map((c) => html`<option value=${c.code} ?selected=${c.code === o.community}>${c.label[o.lang]}</option>`)}
      </select></label>
    <span class="spacer"></span>
    ${p && o.me ? html`<span class="muted">${p.display_name} · ${scopeName(o.me, o.lang)}</span>` : nothing}
    <button class="link" data-action="lang" @click=${o.onLanguage}>${t.otherLang}</button>
    <a href="/">${t.home}</a>
  </header>`;
}

/** Over the map while no plan is open: what it shows, and (`up`: a place above, '' the scope's view) the way back up. */
export function mapHint(o: { lang: Lang; community: string; up: string | null; onUp: (place: string) => void }) {
  const t = strings(o.lang).publishedView;
  const up = o.up;
  return html`<p class="map-hint" data-map-hint=${o.community ? 'read-only' : 'pick'}><span data-words>${o.community ? t.readOnly : t.pick}</span>
    ${up === null ? nothing : html`<button type="button" data-action="up" @click=${() => o.onUp(up)}>↑ ${t.up}</button>`}</p>`;
}
