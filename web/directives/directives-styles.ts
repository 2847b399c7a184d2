import { css } from 'lit';
import { consoleStyles } from '../dispatch/dispatch-styles.js';

/** The directive desk: the list beside the open directive; on a phone, one column. */
export const directivesPageStyles = [
  consoleStyles,
  css`
  :host { display: grid; grid-template-rows: auto 1fr; height: 100vh; }
  header { display: flex; align-items: center; gap: 1rem; padding: .55rem 1rem; background: #0f1930; border-bottom: 1px solid #1e2c4a; }
  h1 { font-size: 1.15rem; margin: 0; white-space: nowrap; flex: 1; }
  header .who, header a { color: #9fb3d1; font-size: .85rem; text-decoration: none; white-space: nowrap; }
  .live { font-size: .78rem; padding: .1rem .5rem; border-radius: 10px; background: #3a2a14; color: #ffd873; }
  .live[data-state="live"] { background: #123a2a; color: #6ee7a8; }
  main { display: grid; grid-template-columns: minmax(17rem, 24%) 1fr; min-height: 0; }
  nav { border-right: 1px solid #1e2c4a; overflow: auto; display: flex; flex-direction: column; }
  nav .top { display: flex; justify-content: space-between; align-items: center; padding: .55rem .8rem; color: #9fb3d1; font-size: .85rem; }
  nav ul { list-style: none; margin: 0; padding: 0; }
  nav li { padding: .5rem .8rem; border-bottom: 1px solid #16223b; cursor: pointer; }
  nav li[aria-selected="true"] { background: #13213d; box-shadow: inset 3px 0 #5cc8ff; }
  nav li .t { font-size: .9rem; }
  nav li .m { font-size: .75rem; color: #7d8aa3; display: flex; gap: .5rem; margin-top: .2rem; }
  section { overflow: auto; min-height: 0; }
  .pick { padding: 2rem; color: #7d8aa3; }
  .notice { position: fixed; left: 50%; bottom: 1.2rem; transform: translateX(-50%); z-index: 30; background: #1d3560; padding: .5rem 1rem; border-radius: 6px; max-width: 70vw; }
  .notice.error { background: #4a2030; color: #ffd0d8; }
  /* A phone (a district's duty officer answering at night): the list above the directive, one column, the page scrolls. */
  @media (max-width: 700px) {
    :host { height: auto; min-height: 100vh; }
    header { flex-wrap: wrap; gap: .4rem .8rem; }
    h1 { flex-basis: 100%; }
    main { grid-template-columns: minmax(0, 1fr); }
    nav { border-right: 0; border-bottom: 1px solid #1e2c4a; max-height: 40vh; }
    section { overflow: visible; }
    .notice { max-width: 90vw; }
  }
`,
];
