import { css } from 'lit';

/**
 * The explorer's page: header, filter bar, the maps beside the figures on a
 * desk; on a phone the map, then the figures below it (the page scrolls).
 */
export const explorePageStyles = css`
  :host { display: grid; grid-template-rows: auto auto 1fr; height: 100vh; color: #e6edf7; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
  header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1rem; background: #0f1930; border-bottom: 1px solid #1e2c4a; }
  h1 { font-size: 1.15rem; margin: 0; white-space: nowrap; }
  nav.crumbs { flex: 1; font-size: .95rem; }
  nav.crumbs a { color: #8fd3ff; cursor: pointer; }
  nav.crumbs span.sep { color: #4a5a7a; margin: 0 .35rem; }
  nav.crumbs .level { color: #7d8aa3; font-size: .8rem; margin-left: .3rem; }
  /* Wraps rather than widen the page on a phone ("Only incidents assigned to …" is wider than 390 px with the place). */
  nav.crumbs .unit { display: inline-block; max-width: 100%; box-sizing: border-box; margin-left: .8rem; font-size: .8rem; padding: .1rem .6rem; border-radius: 1rem; background: #3a2c0b; color: #f4d58d; }
  header .who, header a.plain { color: #9fb3d1; font-size: .85rem; text-decoration: none; }
  header button { background: #24365c; color: #e6edf7; border: 0; border-radius: 4px; padding: .3rem .7rem; cursor: pointer; font: inherit; font-size: .85rem; }
  main { display: grid; grid-template-columns: 1fr 27rem; min-height: 0; }
  .maps { position: relative; display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; gap: 2px; background: #1e2c4a; min-height: 0; }
  gs-explore-map { height: 100%; }
  gs-map-legend { position: absolute; left: .6rem; bottom: .6rem; z-index: 2; }
  .tools { position: absolute; right: .6rem; top: .6rem; z-index: 2; display: flex; gap: .4rem; }
  .tools button { background: rgba(36, 54, 92, .92); color: #e6edf7; border: 0; border-radius: 4px; padding: .3rem .7rem; cursor: pointer; font: inherit; font-size: .82rem; }
  aside { overflow-y: auto; padding: .6rem .8rem 2rem; background: #0d1628; display: flex; flex-direction: column; gap: 1rem; }
  .notice { position: absolute; top: .6rem; left: 50%; transform: translateX(-50%); z-index: 3; background: #1d3560; color: #e6edf7; padding: .4rem .6rem .4rem 1rem; border-radius: 6px; display: flex; gap: .8rem; align-items: center; max-width: 90%; }
  .notice button { white-space: nowrap; background: #2f7de1; border: 0; color: white; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; font: inherit; font-size: .82rem; }
  .error { position: absolute; top: .6rem; left: 50%; transform: translateX(-50%); z-index: 3; background: #4a2030; color: #ffd0d8; padding: .4rem 1rem; border-radius: 6px; }
  details summary { cursor: pointer; color: #5cc8ff; font-size: .9rem; }
  /* A phone: header, filters, the map, then the figures below it (the page scrolls). */
  @media (max-width: 900px) {
    :host { height: auto; min-height: 100vh; }
    header { flex-wrap: wrap; gap: .5rem .8rem; }
    nav.crumbs { flex-basis: 100%; order: 9; }
    main { grid-template-columns: 1fr; grid-template-rows: 60vh auto; }
    .notice { width: calc(100% - 2rem); max-width: none; box-sizing: border-box; }
  }
`;
