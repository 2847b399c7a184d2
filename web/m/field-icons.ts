import { html } from 'lit';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';

/**
 * Line icons drawn here (24×24, the text's colour): emoji would depend on the
 * phone's fonts, and a closed network's browsers may have none. Constants
 * only, so unsafeSVG never sees outside input.
 */
const PATHS: Record<string, string> = {
  road_damage: '<path d="M6 21 9 3M18 21 15 3"/><path d="M12 7l-1.5 3 2.5 2-1.5 4"/>',
  water_leak: '<path d="M12 3c3 4 6 7.5 6 11a6 6 0 0 1-12 0c0-3.5 3-7 6-11z"/>',
  uncollected_garbage: '<path d="M4 7h16M9 7V4h6v3M6 7l1 14h10l1-14"/><path d="M10 11v6M14 11v6"/>',
  neighbour_dispute: '<path d="M3 5h11v7H8l-3 3v-3H3z"/><path d="M16 9h5v7h-2v3l-3-3h-5v-2"/>',
  cooking_fume: '<path d="M3 14h14a5 5 0 0 1-5 5H8a5 5 0 0 1-5-5zM17 14h4"/><path d="M8 11c-1-1.5 1-2.5 0-5M12 11c-1-1.5 1-2.5 0-5"/>',
  epidemic_check: '<path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z"/><path d="M12 9v6M9 12h6"/>',
  public_service: '<path d="M3 21h18M5 21V10M19 21V10M9 21v-7M15 21v-7M2 10l10-6 10 6z"/>',
  illegal_construction: '<path d="M4 21V10l8-6 8 6v11z"/><path d="M9 12l6 6M15 12l-6 6"/>',
  noise: '<path d="M4 9h4l5-4v14l-5-4H4z"/><path d="M16 9a4 4 0 0 1 0 6M19 6a8 8 0 0 1 0 12"/>',
  streetlight_fault: '<path d="M7 21h6M10 21V6a3 3 0 0 1 3-3h3"/><path d="M14 3v3h5V3z"/><path d="M16.5 9v2M13.5 10l-1 1M19.5 10l1 1"/>',
  illegal_parking: '<path d="M3 16v-4l2-5h14l2 5v4z"/><circle cx="7" cy="17" r="2"/><circle cx="17" cy="17" r="2"/>',
  safety_hazard: '<path d="M12 3 2 20h20z"/><path d="M12 9v5M12 17v.5"/>',
  drainage_blockage: '<rect x="4" y="4" width="16" height="16" rx="2"/><path d="M8 4v16M12 4v16M16 4v16"/>',
  camera: '<path d="M3 8h4l2-3h6l2 3h4v11H3z"/><circle cx="12" cy="13" r="3.5"/>',
};

/** The icon of a category (or 'camera'), `size` px square. */
export function icon(name: string, size = 28) {
  return html`<svg width=${size} height=${size} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${unsafeSVG(PATHS[name] ?? '')}</svg>`;
}
