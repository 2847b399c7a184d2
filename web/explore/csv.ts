/**
 * CSV for Excel: UTF-8 with a byte-order mark (without it Excel on Chinese
 * Windows reads UTF-8 as GBK and the names come out garbled), CRLF line ends,
 * fields quoted when they hold a comma, quote or line break (RFC 4180).
 */
export const BOM = '\uFEFF';

/**
 * A text cell that Excel or LibreOffice would read as a formula (a grid named
 * `=HYPERLINK(…)`) gets a leading apostrophe and quotes, as OWASP's CSV
 * injection advice says. Numbers stay numbers: -3 is a value, not a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  const formula = typeof v === 'string' && FORMULA_START.test(s);
  if (formula) s = `'${s}`;
  return formula || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return BOM + [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Hands a file to the browser's download. */
export function download(filename: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function downloadCsv(filename: string, header: string[], rows: unknown[][]): void {
  download(filename, new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }));
}
