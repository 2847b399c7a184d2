import { css, html } from 'lit';
import { icon } from './field-icons.js';

/**
 * The phone's look, shared by its screens: dark like the other pages, large
 * type and touch targets of at least 48 px, one column for 360–414 px screens.
 */
export const fieldStyles = css`
  :host { display: block; color: #e6edf7; font-size: 1rem; }
  h3 { font-size: 1rem; margin: 1rem 0 0.5rem; color: #9fb3d1; font-weight: 500; }
  button { font: inherit; min-height: 48px; padding: 0.5rem 0.8rem; border-radius: 10px; border: 1px solid #2a3b60; background: #15203a; color: #e6edf7; cursor: pointer; touch-action: manipulation; }
  button:disabled { opacity: 0.5; }
  button.primary { width: 100%; margin-top: 1rem; background: #1f6feb; border-color: #1f6feb; font-size: 1.15rem; font-weight: 600; min-height: 56px; }
  .hint { color: #9fb3d1; font-size: 0.85rem; margin: 0.3rem 0; }
  .problem { color: #ffb0b9; }
  .card { background: #15203a; border-radius: 12px; padding: 0.8rem; margin: 0.6rem 0; }
  .thumbs { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-top: 0.4rem; }
  .thumbs figure { margin: 0; font-size: 0.75rem; color: #9fb3d1; text-align: center; }
  .thumbs img { width: 84px; height: 84px; object-fit: cover; border-radius: 8px; display: block; }
  ul { list-style: none; padding: 0; margin: 0; }
  label.file { gap: 0.4rem; display: inline-flex; align-items: center; justify-content: center; min-height: 48px; padding: 0 1rem; border-radius: 10px; background: #24365c; cursor: pointer; }
  label.file input { position: absolute; width: 1px; height: 1px; opacity: 0; }
`;

/** The camera button (<input type=file accept=image/* capture>) and the photos taken so far. */
export function photoPicker(label: string, onPick: (input: HTMLInputElement) => void, photos: { blob: Blob; url: string }[], size: (kb: number) => string) {
  return html`<label class="file">${icon('camera', 24)} ${label}
      <input type="file" accept="image/*" capture="environment" multiple @change=${(e: Event) => onPick(e.target as HTMLInputElement)} />
    </label>
    <div class="thumbs">
      ${photos.map((p) => html`<figure data-photo><img src=${p.url} alt="" /><figcaption>${size(Math.round(p.blob.size / 1024))}</figcaption></figure>`)}
    </div>`;
}
