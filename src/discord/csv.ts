// CSV for the exports people open in a spreadsheet (/audit, /access list).
// Logged text comes from users and from Binance, so a cell must never run as a
// formula. A spreadsheet runs a field that starts with = + - @ (or a tab or CR
// before one), and a spreadsheet set to split on ';' or tabs ignores the
// quoting of a ','-separated file and starts a new field after any of them.
// So every place where a field could start is neutralised with a leading
// apostrophe, not only the first character of the cell.

/** Characters a spreadsheet may split fields or lines on. */
const SEPARATORS: ReadonlySet<string> = new Set([',', ';', '\t', '\r', '\n']);
/** A field starting, after spaces, with one of these runs as a formula (a tab or CR may be stripped first). */
const FORMULA_START = /^ *[=+\-@\t\r]/;
/** A plain number, kept as it is so -0.5 stays a number. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** RFC 4180 CSV with CRLF line ends; every cell defused as above. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** One cell: neutralised, then quoted when it holds a quote or any separator. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = neutralise(String(value));
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Every position where some splitting starts a field (the cell's start, and
 * just after each separator) gets an apostrophe if the field from there to the
 * next separator would run as a formula. A tab or CR counts both ways: as the
 * start of a field for a spreadsheet that does not split on it, and as a
 * separator for one that does.
 */
function neutralise(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (i === 0 || SEPARATORS.has(text.charAt(i - 1))) {
      let end = i + 1;
      while (end < text.length && !SEPARATORS.has(text.charAt(end))) end++;
      const field = text.slice(i, end);
      if (FORMULA_START.test(field) && !PLAIN_NUMBER.test(field)) out += "'";
    }
    out += text.charAt(i);
  }
  return out;
}
