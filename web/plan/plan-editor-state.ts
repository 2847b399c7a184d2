/**
 * The boundary editor as a state machine: which tool is active, and which
 * user actions each state accepts. Every allowed transition is in one table;
 * the page asks `next(state, event)` and refuses what is not listed.
 */
export const EDITOR_STATES = ['no_plan', 'viewing', 'reshaping', 'drawing_split', 'drawing_grid', 'picking_merge', 'picking_absorbers', 'busy'] as const;
export type EditorState = (typeof EDITOR_STATES)[number];

export const EDITOR_EVENTS = [
  'open_plan',
  'close_plan',
  'start_reshape',
  'start_split',
  'start_draw',
  'start_merge',
  'start_delete',
  'cancel',
  'submit',
  'done',
  'failed',
] as const;
export type EditorEvent = (typeof EDITOR_EVENTS)[number];

const TOOLS: readonly EditorState[] = ['reshaping', 'drawing_split', 'drawing_grid', 'picking_merge', 'picking_absorbers'];

export const EDITOR_TRANSITIONS: Readonly<Record<EditorEvent, { from: readonly EditorState[]; to: EditorState }>> = {
  open_plan: { from: ['no_plan', 'viewing'], to: 'viewing' },
  close_plan: { from: ['viewing'], to: 'no_plan' },
  start_reshape: { from: ['viewing'], to: 'reshaping' },
  start_split: { from: ['viewing'], to: 'drawing_split' },
  start_draw: { from: ['viewing'], to: 'drawing_grid' },
  start_merge: { from: ['viewing'], to: 'picking_merge' },
  start_delete: { from: ['viewing'], to: 'picking_absorbers' },
  cancel: { from: TOOLS, to: 'viewing' },
  // A tool's result (or undo, redo, publish from viewing) goes to the server.
  submit: { from: ['viewing', ...TOOLS], to: 'busy' },
  done: { from: ['busy'], to: 'viewing' },
  failed: { from: ['busy'], to: 'viewing' },
};

export const EDITOR_REASON = { notAllowed: 'not_allowed_now' } as const;

export function next(state: EditorState, event: EditorEvent): { valid: true; to: EditorState } | { valid: false; reason: typeof EDITOR_REASON.notAllowed } {
  const t = EDITOR_TRANSITIONS[event];
  return t.from.includes(state) ? { valid: true, to: t.to } : { valid: false, reason: EDITOR_REASON.notAllowed };
}

/** Whether a tool draws with terra-draw (and which terra-draw mode), or picks grids by clicking. */
export function drawModeOf(state: EditorState): 'select' | 'linestring' | 'polygon' | null {
  switch (state) {
    case 'reshaping':
      return 'select';
    case 'drawing_split':
      return 'linestring';
    case 'drawing_grid':
      return 'polygon';
    default:
      return null;
  }
}

/**
 * The selection after a click on grid `key`. Picking (merge, or the grids that
 * take a deleted one's area) toggles grids in and out, but never the grid being
 * deleted (the first); viewing selects one grid, or none on a second click.
 */
export function selectionAfterClick(state: EditorState, selection: readonly number[], key: number): number[] {
  if (state === 'picking_merge' || state === 'picking_absorbers') {
    const keep = state === 'picking_absorbers' ? selection[0] : undefined;
    return selection.includes(key) && key !== keep ? selection.filter((k) => k !== key) : [...new Set([...selection, key])];
  }
  if (state === 'viewing') return selection[0] === key && selection.length === 1 ? [] : [key];
  return [...selection];
}
