import { css } from 'lit';

/** The editor page's layout: map and panels side by side, stacked on a phone. */
export const planPageStyles = css`
  :host { display: grid; grid-template-rows: auto 1fr; grid-template-columns: minmax(0, 1fr); height: 100vh; color: #e6edf7; }
  header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #101a30; border-bottom: 1px solid #1e2c4a; flex-wrap: wrap; }
  header h1 { font-size: 1.15rem; margin: 0; }
  header h1 span { color: #5cc8ff; }
  header .spacer { flex: 1; }
  a, .link { color: #8fd3ff; text-decoration: none; background: none; border: 0; cursor: pointer; font: inherit; }
  select, input { background: #0b1220; color: #e6edf7; border: 1px solid #34476e; border-radius: 5px; height: 2rem; padding: 0 .4rem; font: inherit; font-size: .9rem; }
  button { background: #24365c; color: #e6edf7; border: 0; border-radius: 5px; padding: .35rem .75rem; font: inherit; font-size: .88rem; cursor: pointer; }
  button.primary { background: #2f7de1; color: white; }
  button.active { outline: 2px solid #5cc8ff; }
  button[disabled] { opacity: .45; cursor: default; }
  main { display: grid; grid-template-columns: 1fr 30rem; min-height: 0; }
  gs-plan-map { min-height: 20rem; }
  aside { overflow: auto; padding: .6rem 1rem 2rem; background: #0f1930; border-left: 1px solid #1e2c4a; }
  .toolbar { display: flex; flex-wrap: wrap; gap: .35rem; margin-bottom: .5rem; }
  .map-hint { background: rgba(11, 18, 32, 0.86); color: #c9d6ea; border: 1px solid #34476e; border-radius: 6px; padding: .3rem .7rem; font-size: .85rem; pointer-events: none; }
  .map-hint button { pointer-events: auto; margin-left: .6rem; }
  .hint { color: #9fb3d1; font-size: .85rem; margin: .3rem 0 .6rem; }
  .status { padding: .45rem .8rem; border-radius: 6px; margin: .4rem 0; font-size: .88rem; }
  .status.error { background: #4a2030; color: #ffd0d8; }
  .status.ok { background: #1f4d2e; color: #c8f5d4; }
  .drafts { display: flex; gap: .4rem; flex-wrap: wrap; align-items: center; margin: .3rem 0 .6rem; }
  .plan-name { font-weight: 600; }
  .muted { color: #7d8aa3; }
  /* A phone: the map above, the panels below (the page scrolls). */
  @media (max-width: 900px) {
    :host { height: auto; min-height: 100vh; }
    /* minmax(0, …) here and on the host: a long community name must not widen the page past the screen. */
    main { grid-template-columns: minmax(0, 1fr); grid-template-rows: 55vh auto; }
    header label { min-width: 0; max-width: 100%; }
    header select { max-width: 100%; }
    aside { border-left: 0; overflow-x: auto; }
  }
`;
