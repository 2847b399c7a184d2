import { css } from 'lit';

/**
 * Shared look of the wall's panels. Sizes are in rem and the page sets the
 * root font size from the viewport width (wall.html), so one layout serves
 * 1920×1080 and 3840×2160 alike.
 */
export const panelStyles = css`
  :host {
    display: block;
    color: var(--wall-text, #e6edf7);
    font-family: var(--wall-font);
  }
  h2 {
    margin: 0 0 0.5rem;
    font-size: 1.05rem;
    font-weight: 600;
    color: var(--wall-accent, #5cc8ff);
    letter-spacing: 0.05em;
  }
  :host([stale]) .figures {
    opacity: 0.35;
    filter: grayscale(1);
  }
  .empty {
    color: var(--wall-muted, #8a9bb8);
    font-size: 0.9rem;
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
`;
