import { css } from 'lit';

/** The admin page's look, shared by its panels: the wall's dark theme, denser for tables and forms. */
export const adminStyles = css`
  :host { display: block; color: #e6edf7; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
  h2 { font-size: 1.15rem; margin: 0 0 .8rem; color: #c9d6ea; font-weight: 600; }
  section, form.panel { background: #15203a; border-radius: 10px; padding: 1.1rem 1.3rem; margin-bottom: 1.2rem; }
  /* A phone: a table wider than the screen scrolls sideways inside its card, not the page with it. */
  @media (max-width: 700px) {
    section { overflow-x: auto; padding: .9rem 1rem; }
  }
  table { border-collapse: collapse; width: 100%; font-size: .92rem; }
  th { text-align: left; color: #9fb3d1; font-weight: 500; border-bottom: 1px solid #2a3b60; padding: .45rem .6rem; white-space: nowrap; }
  /* Baseline: the first lines of mono and CJK cells line up. */
  td { border-bottom: 1px solid #1e2c4a; padding: .45rem .6rem; vertical-align: baseline; }
  tr.off td { color: #7d8aa3; }
  code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: .86rem; }
  .fields { display: flex; flex-wrap: wrap; gap: .8rem 1rem; align-items: flex-end; }
  label { display: flex; flex-direction: column; gap: .25rem; font-size: .85rem; color: #9fb3d1; }
  input, select { background: #0b1220; color: #e6edf7; border: 1px solid #34476e; border-radius: 5px; padding: 0 .55rem; height: 2.3rem; box-sizing: border-box; font: inherit; font-size: .95rem; min-width: 9rem; }
  input:focus, select:focus { outline: 2px solid #2f7de1; outline-offset: 0; }
  button { background: #24365c; color: #e6edf7; border: 0; border-radius: 5px; padding: .45rem .9rem; font: inherit; font-size: .9rem; cursor: pointer; }
  button:hover { background: #2d4372; }
  button.primary { background: #2f7de1; color: white; }
  button.danger { background: #6b2230; }
  button[disabled] { opacity: .5; cursor: default; }
  td button { padding: .25rem .6rem; font-size: .82rem; margin: 0 .3rem .2rem 0; }
  .form-error { color: #ff8a8a; min-height: 1.3rem; margin-top: .6rem; }
  .hint { color: #7d8aa3; font-size: .8rem; }
  .badge { display: inline-block; padding: .05rem .5rem; border-radius: 10px; font-size: .8rem; background: #1f4d2e; color: #9be8b0; }
  .badge.off { background: #4a2030; color: #ffb3c0; }
  .muted { color: #7d8aa3; }
`;
