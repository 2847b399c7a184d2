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
