import { css } from 'lit';

/**
 * The wall's page layout: header, three columns (panels, map, panels) sized in rem from the viewport's width
 * (wall.html), and under 900 px one scrolling column for a phone.
 */
export const wallDisplayStyles = css`
  :host { display: grid; grid-template-columns: 26rem 1fr 28rem; grid-template-rows: 3.6rem 1fr; gap: 0.8rem; padding: 0.8rem; box-sizing: border-box; height: 100%; }
  header { grid-column: 1 / -1; display: flex; align-items: center; gap: 1.5rem; border-bottom: 1px solid #1c2945; }
  h1 { margin: 0; font-size: 1.9rem; font-weight: 700; letter-spacing: 0.08em; }
  .meta { color: #b8c6de; font-size: 1.1rem; }
  .unit { font-size: 1.05rem; padding: 0.2rem 0.8rem; border-radius: 1rem; background: #3a2c0b; color: #f4d58d; white-space: nowrap; }
  .spacer { flex: 1; }
  .conn { font-size: 1.05rem; padding: 0.2rem 0.8rem; border-radius: 1rem; background: #15203a; }
  .conn[data-connection='live']::before, .conn[data-connection='polling']::before { content: '●'; color: #2e9e5b; margin-right: 0.4rem; }
  .conn[data-connection='offline'] { background: #8b1e2b; color: #fff; font-weight: 700; }
  .column { display: flex; flex-direction: column; gap: 0.8rem; min-height: 0; overflow: hidden; }
  .panel { background: #101a2e; border-radius: 0.6rem; padding: 0.7rem 0.9rem; }
  .panel.grow { flex: 1; min-height: 0; overflow: hidden; }
  /* Several directives may run at once: they take up to half the column, the ticker the rest. */
  .panel.directives { flex: 0 1 auto; max-height: 50%; min-height: 0; overflow: hidden; display: flex; flex-direction: column; }
  .map { position: relative; border-radius: 0.6rem; overflow: hidden; background: #0b1220; }
  gs-wall-map { position: absolute; inset: 0; }
  gs-map-legend {
    position: absolute; left: 0.8rem; bottom: 0.8rem; padding: 0.6rem 0.8rem; border-radius: 0.5rem; font-family: var(--wall-font);
    --legend-font-size: 0.9rem; --legend-line-height: 1.5rem; --legend-swatch-width: 1.6rem;
    --legend-heading-size: 1.05rem; --legend-heading-colour: var(--wall-accent, #5cc8ff); --legend-heading-spacing: 0.05em;
  }
  .banner { position: absolute; top: 0.8rem; left: 50%; transform: translateX(-50%); background: #8b1e2b; color: #fff; padding: 0.6rem 1.4rem; border-radius: 0.5rem; font-size: 1.3rem; font-weight: 700; z-index: 2; }
  .error { position: absolute; right: 0.8rem; bottom: 0.8rem; color: #ff9b9b; font-size: 0.9rem; max-width: 60%; }
  h2 { margin: 0 0 0.5rem; font-size: 1.05rem; font-weight: 600; color: #5cc8ff; letter-spacing: 0.05em; }
  /* A phone (a leader opening the wall's link): one scrolling column, the map first, the legend under it (wall.html sets 1 rem). */
  @media (max-width: 899px) {
    :host { grid-template-columns: minmax(0, 1fr); grid-template-rows: auto; height: auto; gap: 0.6rem; padding: 0.6rem; }
    header { flex-wrap: wrap; gap: 0.2rem 0.8rem; padding-bottom: 0.4rem; }
    .spacer { display: none; }
    h1 { font-size: 1.35rem; letter-spacing: 0.04em; flex-basis: 100%; }
    .meta, .conn, .unit { font-size: 0.85rem; }
    .map { order: 1; display: flex; flex-direction: column; overflow: visible; }
    gs-wall-map { position: relative; inset: auto; height: 62vh; border-radius: 0.6rem; overflow: hidden; }
    gs-map-legend { position: static; margin-top: 0.5rem; background: #101a2e; }
    .column { order: 2; overflow: visible; }
    .panel.directives { max-height: none; }
  }
`;
