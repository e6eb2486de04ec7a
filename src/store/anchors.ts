// Anchors: the chain head (a row's seq and hash) written down outside the
// database, e.g. posted to the audit channel. A chain that verifies against
// itself can still have been cut short or recomputed; an anchor taken earlier
// cannot be. The line format is shared by whoever posts anchors and by
// `npm run verify-log --anchors FILE`, so it lives here, once.

export interface Anchor {
  readonly seq: number;
  /** 64 lower-case hex digits. */
  readonly hash: string;
}

const ANCHOR_LINE = /^\s*`?\s*(\d{1,15})\s+([0-9a-fA-F]{64})\s*`?\s*$/;

/** `1234 9f86d0…`: the one line an anchor is posted and read as. */
export function formatAnchor(anchor: Anchor): string {
  return `${anchor.seq} ${anchor.hash}`;
}

/**
 * One line as an anchor: `seq hash`, optionally in backticks (as copied from a
 * Discord code span). Undefined for anything else.
 */
export function parseAnchorLine(line: string): Anchor | undefined {
  const match = ANCHOR_LINE.exec(line);
  if (match === null) return undefined;
  const seq = Number(match[1]);
  return seq >= 1 ? { seq, hash: (match[2] ?? '').toLowerCase() } : undefined;
}

/** A file of anchors: one per line; blank lines and lines starting with # are skipped; anything else is reported by line number. */
export function parseAnchors(text: string): { readonly anchors: Anchor[]; readonly badLines: number[] } {
  const anchors: Anchor[] = [];
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const anchor = parseAnchorLine(line);
    if (anchor === undefined) badLines.push(index + 1);
    else anchors.push(anchor);
  });
  return { anchors, badLines };
}
