import { css } from 'lit';

/** The console's look: the dark theme, fonts and accents of the wall and the explorer, sized for a desk screen and a laptop. */
export const consoleStyles = css`
  :host { color: #e6edf7; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
  button { background: #24365c; color: #e6edf7; border: 0; border-radius: 4px; padding: .3rem .7rem; font: inherit; font-size: .85rem; cursor: pointer; }
  button:hover { background: #2d4372; }
  button.primary { background: #2f7de1; color: white; }
  button.primary:hover { background: #3b8cf0; }
  button.danger { background: #7a2b3a; }
  button:disabled { opacity: .45; cursor: default; }
  select, input, textarea { background: #131f38; color: #e6edf7; border: 1px solid #2a3b60; border-radius: 4px; padding: .25rem .4rem; font: inherit; font-size: .85rem; }
  textarea { width: 100%; box-sizing: border-box; resize: vertical; }
  .urgency { display: inline-block; width: .6rem; height: .6rem; border-radius: 50%; flex: none; }
  .urgency.red { background: #ff4d5e; box-shadow: 0 0 6px #ff4d5e; }
  .urgency.yellow { background: #ffc233; }
  .urgency.blue { background: #3d9bff; }
  .badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .75rem; line-height: 1.35rem; background: #1d2d4d; color: #9fb3d1; white-space: nowrap; }
  .badge.red { background: #4a1d28; color: #ff9aa5; }
  .badge.yellow { background: #4a3a12; color: #ffd873; }
  .badge.blue { background: #16345c; color: #8fc6ff; }
  .late { color: #ff7a85; }
  .muted { color: #7d8aa3; }
  .mono { font-variant-numeric: tabular-nums; font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; }
`;

/** The page's own layout: header, queue bar, list | record and map, notices and the help overlay. */
export const pageStyles = css`
    :host { display: grid; grid-template-rows: auto auto 1fr; height: 100vh; }
    .bar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .45rem 1rem; background: #0d1628; border-bottom: 1px solid #1e2c4a; }
    [role="tablist"] { display: flex; gap: .25rem; flex-wrap: wrap; }
    [role="tab"] { background: transparent; border-bottom: 2px solid transparent; border-radius: 0; padding: .3rem .6rem; color: #9fb3d1; }
    [role="tab"][aria-selected="true"] { color: #e6edf7; border-bottom-color: #5cc8ff; background: #13213d; }
    [role="tab"] .n { margin-left: .35rem; font-size: .75rem; background: #24365c; border-radius: 9px; padding: 0 .4rem; }
    [role="tab"][data-queue="red"] .n, [role="tab"][data-queue="overdue"] .n { background: #5a2030; color: #ffb0b9; }
    [slot="actions"] { display: flex; gap: .45rem; flex-wrap: wrap; }
    @media (max-width: 1500px) {
      .bar { gap: .4rem .6rem; padding: .4rem .6rem; }
      [role="tab"] { padding: .3rem .45rem; }
    }
    main { display: grid; grid-template-columns: minmax(24rem, 40%) 1fr; min-height: 0; }
    .side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); min-height: 0; }
    .side gs-incident-map { margin: .6rem; }
    @media (max-width: 1500px) {
      main { grid-template-columns: minmax(22rem, 36%) 1fr; }
      .side { grid-template-columns: 1fr; grid-template-rows: minmax(15rem, 42%) 1fr; }
      .side gs-incident-map { order: -1; margin: .5rem .6rem 0; }
    }
    .queue { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid #1e2c4a; }
    .queue gs-incident-list { flex: 1; }
    /* A phone (a commander away from the desk): one column, the queue (scrolling) above the record and its map; the page scrolls. */
    @media (max-width: 700px) {
      :host { height: auto; min-height: 100vh; }
      main { grid-template-columns: minmax(0, 1fr); }
      .queue { border-right: 0; border-bottom: 1px solid #1e2c4a; max-height: 45vh; }
      .side { grid-template-rows: 14rem auto; }
      .notice { max-width: 90vw; }
    }
    .notice { position: fixed; left: 50%; bottom: 1.2rem; transform: translateX(-50%); z-index: 30; background: #1d3560; padding: .5rem .7rem .5rem 1rem; border-radius: 6px; display: flex; gap: .8rem; align-items: center; max-width: 70vw; box-shadow: 0 4px 18px rgba(0,0,0,.5); }
    .notice.error { background: #4a2030; color: #ffd0d8; }
    .help { position: fixed; inset: 0; background: rgba(3, 8, 18, .7); display: flex; align-items: center; justify-content: center; z-index: 25; }
    .help div { background: #0f1930; border: 1px solid #2a3b60; border-radius: 8px; padding: 1rem 1.4rem; min-width: 20rem; }
    .help kbd { font-family: inherit; background: #24365c; border-radius: 3px; padding: 0 .4rem; }
    .help td { padding: .2rem .6rem; }
  `;
