/**
 * The editor's keyboard shortcuts: Ctrl+Z undoes, Ctrl+Y or Ctrl+Shift+Z
 * redoes (⌘ instead of Ctrl on a Mac). Keys typed into a field are the
 * field's own (a plan name's undo), so they are left alone.
 */
export function shortcutOf(e: KeyboardEvent): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const typing = e.composedPath().some((el) => el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement);
  if (typing) return null;
  const key = e.key.toLowerCase();
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
  return key === 'y' ? 'redo' : null;
}
