import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { Action } from '../../server/contract/incident-workflow.js';
import { strings, type Lang } from './dispatch-i18n.js';

/** What a key does on the console: move, search, help, tick the row for bulk work, or start a workflow action. */
export type KeyCommand = 'next' | 'previous' | 'help' | 'search' | 'escape' | 'check' | Action;

const KEYS: Record<string, KeyCommand> = {
  j: 'next',
  k: 'previous',
  '?': 'help',
  '/': 'search',
  Escape: 'escape',
  f: 'file',
  d: 'dispatch',
  r: 'reject',
  c: 'close',
  x: 'check',
};

/**
 * The console's keyboard (shown in its help overlay). Keys typed into a
 * field are the field's, and an open form takes only Esc; modifier chords
 * stay the browser's.
 */
export function keyCommand(e: KeyboardEvent, formOpen: boolean): KeyCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const command = KEYS[e.key];
  if (!command) return null;
  if (formOpen) return command === 'escape' ? command : null;
  const target = e.composedPath()[0];
  if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) {
    return command === 'escape' ? command : null;
  }
  return command;
}

/** A page the keys drive: whether a form takes the keys, and what to do with a command. */
export interface KeyTarget extends ReactiveControllerHost {
  readonly formOpen: boolean;
  runKey(command: KeyCommand): void;
}

/** Listens to the window's keys while the console is on the page and hands each command to the page. */
export class ConsoleKeys implements ReactiveController {
  constructor(private readonly host: KeyTarget) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.onKey);
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    const command = keyCommand(e, this.host.formOpen);
    if (!command) return;
    e.preventDefault();
    this.host.runKey(command);
  };
}

/** The help overlay listing the keys (the ? key); a click anywhere closes it. */
export function keyHelp(lang: Lang, close: () => void) {
  const t = strings(lang);
  return html`<div class="help" data-help @click=${close}><div>
    <h3>${t.help.title}</h3>
    <table>${t.help.keys.map(([k, what]) => html`<tr><td><kbd>${k}</kbd></td><td>${what}</td></tr>`)}</table>
    <button @click=${close}>${t.help.close}</button></div></div>`;
}
