import { html, nothing, type TemplateResult } from 'lit';
import type { PlanDataController } from './plan-data.js';
import { drawModeOf, type EditorEvent, type EditorState } from './plan-editor-state.js';
import { strings, type Lang } from './plan-i18n.js';

/** What the editor panel needs from the page: its state and the actions its buttons start. */
export interface PlanEditorPanel {
  lang: Lang;
  data: PlanDataController;
  editor: EditorState;
  selection: number[];
  go(event: EditorEvent): void;
  applyPick(): void;
  step(action: 'undo' | 'redo'): void;
  publish(): void;
}

/**
 * The open plan's side panel: its name and revision, the tools (enabled as
 * the editor's state and the selection allow), undo/redo/publish, the hint for
 * the state, the problems and the grid table. Call only with a plan open.
 */
export function renderPlanEditor(p: PlanEditorPanel): TemplateResult {
  const t = strings(p.lang);
  const { data, editor, selection } = p;
  const plan = data.current!.plan;
  const draft = plan.status === 'draft';
  const viewing = editor === 'viewing' && draft;
  const tool = (event: EditorEvent, label: string, enabled: boolean, name: string) =>
    html`<button data-tool=${name} ?disabled=${!enabled} @click=${() => p.go(event)}>${label}</button>`;
  const picking = editor === 'picking_merge' || editor === 'picking_absorbers';
  // Publishing needs a validated revision with no problems, based on the version published now.
  const publishable = viewing && data.validated && data.problems.length === 0 && plan.current_version === plan.base_version;
  return html`
    <p><span class="plan-name">${plan.name}</span> <span class="muted">${t.revision(plan.revision)} · <span data-plan-status=${plan.status}>${t.status[plan.status] ?? plan.status}</span></span></p>
    <div class="toolbar">
      ${tool('start_reshape', t.tools.reshape, viewing && selection.length === 1, 'reshape')}
      ${tool('start_split', t.tools.split, viewing && selection.length === 1, 'split')}
      ${tool('start_merge', t.tools.merge, viewing, 'merge')}
      ${tool('start_draw', t.tools.draw, viewing, 'draw')}
      ${tool('start_delete', t.tools.delete, viewing && selection.length === 1, 'delete')}
      ${picking ? html`<button class="primary" data-tool="apply" @click=${() => p.applyPick()}>${t.tools.apply}</button>` : nothing}
      ${drawModeOf(editor) || picking ? html`<button data-tool="cancel" @click=${() => p.go('cancel')}>${t.tools.cancel}</button>` : nothing}
    </div>
    <div class="toolbar">
      <button data-tool="undo" ?disabled=${!viewing || plan.revision === 0} @click=${() => p.step('undo')}>${t.tools.undo}</button>
      <button data-tool="redo" ?disabled=${!viewing || plan.revision >= plan.head_revision} @click=${() => p.step('redo')}>${t.tools.redo}</button>
      <button class="primary" data-tool="publish" ?disabled=${!publishable} @click=${() => p.publish()}>${t.tools.publish}</button>
    </div>
    ${plan.current_version !== plan.base_version && draft ? html`<p class="status error">${t.outdated}</p>` : nothing}
    <p class="hint" data-editor=${editor}>${t.hints[editor]}</p>
    <gs-plan-problems .problems=${data.problems} .warnings=${data.warnings} .validated=${data.validated} .lang=${p.lang}></gs-plan-problems>
    <gs-plan-grid-table .grids=${data.current!.features.features} .whatIf=${data.whatIf} .diff=${data.diff} .selection=${selection} .lang=${p.lang}></gs-plan-grid-table>`;
}
