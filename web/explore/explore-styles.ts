import { css } from 'lit';

/** The explorer's panels: the dark theme of the wall and admin pages, sized for a desk screen. */
export const panelStyles = css`
  :host { display: block; color: #e6edf7; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
  h3 { margin: 0 0 .5rem; font-size: .95rem; font-weight: 600; color: #5cc8ff; display: flex; justify-content: space-between; align-items: center; gap: .5rem; }
  table { border-collapse: collapse; width: 100%; font-size: .84rem; }
  th { text-align: left; color: #9fb3d1; font-weight: 500; border-bottom: 1px solid #2a3b60; padding: .25rem .4rem; white-space: nowrap; }
  td { border-bottom: 1px solid #1e2c4a; padding: .25rem .4rem; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  button { background: #24365c; color: #e6edf7; border: 0; border-radius: 4px; padding: .2rem .6rem; font: inherit; font-size: .78rem; cursor: pointer; }
  button:hover { background: #2d4372; }
  .empty { color: #7d8aa3; font-size: .85rem; }
  a.place { color: #8fd3ff; cursor: pointer; text-decoration: none; }
`;
