/**
 * A directive's attachment: a list of names or addresses as CSV (RFC 4180:
 * comma separated, fields in double quotes may hold commas, quotes doubled
 * and line breaks). The browser parses it to preview the list; the server
 * parses the same text again, because it is the one to trust. Shared, so the
 * preview and what is stored cannot differ.
 */

/** Bounds: a list for a district centre to work through, not a data set. */
export const CSV_MAX_CHARS = 32_768;
export const CSV_MAX_ROWS = 500;
export const CSV_MAX_COLUMNS = 12;
export const CSV_MAX_CELL = 200;

export interface CsvTable {
  columns: string[];
  rows: string[][];
}

/** What is wrong with a CSV text, with the (1-based) line it was found on. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    readonly en: string,
    readonly zh: string,
  ) {
    super(`line ${line}: ${en}`);
    this.name = 'CsvError';
  }
}

/** Splits CSV text into records of fields; throws CsvError on an unclosed quote or a stray one. */
function records(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        const next = text[i + 1];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
          throw new CsvError(line, 'text after a closing quote', '引号结束后还有多余字符');
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      if (fieldStarted) throw new CsvError(line, 'a quote inside an unquoted field', '未加引号的字段中出现引号');
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      out.push({ fields, line: start });
      fields = [];
      field = '';
      fieldStarted = false;
      line++;
      start = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvError(start, 'a quoted field is never closed', '引号未闭合');
  if (fieldStarted || fields.length) {
    fields.push(field);
    out.push({ fields, line: start });
  }
  // Blank lines carry nothing: skipped.
  return out.filter((r) => r.fields.length > 1 || r.fields[0]!.trim() !== '');
}

/** Parses and checks a CSV list: a header row, then at least one row with as many fields, all within the bounds. */
export function parseCsv(raw: string): CsvTable {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw; // Excel's byte order mark
  if (text.length > CSV_MAX_CHARS) throw new CsvError(1, `longer than ${CSV_MAX_CHARS} characters`, `超过 ${CSV_MAX_CHARS} 个字符`);
  const all = records(text);
  const [header, ...body] = all;
  if (!header || body.length === 0) throw new CsvError(1, 'needs a header row and at least one row', '需要表头行和至少一行数据');
  const columns = header.fields.map((f) => f.trim());
  if (columns.length > CSV_MAX_COLUMNS) throw new CsvError(1, `more than ${CSV_MAX_COLUMNS} columns`, `超过 ${CSV_MAX_COLUMNS} 列`);
  if (columns.some((c) => c === '')) throw new CsvError(1, 'a column without a name', '表头有空列名');
  if (body.length > CSV_MAX_ROWS) throw new CsvError(body[CSV_MAX_ROWS]!.line, `more than ${CSV_MAX_ROWS} rows`, `超过 ${CSV_MAX_ROWS} 行`);
  const rows = body.map(({ fields, line }) => {
    if (fields.length !== columns.length)
      throw new CsvError(line, `${fields.length} fields where the header has ${columns.length}`, `有 ${fields.length} 个字段，表头为 ${columns.length} 列`);
    const cells = fields.map((f) => f.trim());
    if (cells.some((c) => c.length > CSV_MAX_CELL))
      throw new CsvError(line, `a field longer than ${CSV_MAX_CELL} characters`, `字段超过 ${CSV_MAX_CELL} 个字符`);
    return cells;
  });
  return { columns, rows };
}
