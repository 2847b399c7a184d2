import { html, nothing } from 'lit';
import type { Unit } from '../../server/contract/unit-schemas.js';
import type { RegionNode } from '../../server/contract/wall-schemas.js';
import { apiRequest } from '../shared/api-request.js';
import { placeName } from '../shared/i18n.js';
import { pathName, placesWithPaths } from '../shared/place-paths.js';
import type { Lang } from './admin-types.js';

/**
 * What the scope and unit fields of the admin forms can take, named: the
 * districts, streets and communities of the region tree (a grid's 15-digit
 * code is typed: 3,000 more suggestions would help no one) and the disposal
 * units. Offered as datalists, so a commander types 文化路 or 环境 and picks
 * the code, and shown beside the codes in the user table.
 */
export interface Choice {
  code: string;
  /** The place's path (荷塘区 / 月塘街道 / 文化路社区) or the unit's name, in the page's language. */
  label: string;
}

export interface Choices {
  scopes: Choice[];
  units: Choice[];
  /** Label by code, scopes and units. */
  names: Map<string, string>;
}

export async function loadChoices(lang: Lang): Promise<Choices> {
  const [{ regions }, { units }] = await Promise.all([
    apiRequest<{ regions: RegionNode[] }>('GET', '/api/regions'),
    apiRequest<{ units: Unit[] }>('GET', '/api/units'),
  ]);
  const scopes = placesWithPaths(regions).map(({ place, path }) => ({ code: place.code, label: pathName(lang, path) }));
  const unitChoices = units.map((u) => ({ code: u.code, label: placeName(lang, u) }));
  return { scopes, units: unitChoices, names: new Map([...scopes, ...unitChoices].map((c) => [c.code, c.label])) };
}

/** The datalists that inputs with `list="gs-scopes"` and `list="gs-units"` name: rendered in each form's own shadow root. */
export function choiceLists(choices: Choices | null) {
  if (!choices) return nothing;
  return html`<datalist id="gs-scopes">${choices.scopes.map((c) => html`<option value=${c.code} label=${c.label}></option>`)}</datalist>
    <datalist id="gs-units">${choices.units.map((c) => html`<option value=${c.code} label=${c.label}></option>`)}</datalist>`;
}
