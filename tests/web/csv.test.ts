import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../web/explore/csv.js';

describe('CSV export', () => {
  // What a spreadsheet must receive for each cell, written out by hand (OWASP CSV injection).
  const CELLS: [unknown, string][] = [
    ['荷塘区', '荷塘区'],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1+1', `"'+1+1"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
    [-3, '-3'],
    [0.25, '0.25'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    [null, ''],
  ];
  it.each(CELLS)('writes %j as %s', (value, cell) => {
    expect(csvField(value)).toBe(cell);
  });

  it('starts with a byte-order mark and ends lines with CRLF', () => {
    expect(toCsv(['name', 'n'], [['=1', 2]])).toBe(`\uFEFFname,n\r\n"'=1",2\r\n`);
  });
});
