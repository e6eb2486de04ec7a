// Anchors: the chain head (a row's seq and hash) written down outside the
// database: posted to the audit channel, kept by whoever reads it. A chain that
// verifies against itself can still have been cut short or recomputed; an
// anchor taken earlier cannot be. The line format is shared by the poster and
// by `npm run verify-log --anchors FILE` (and `npm run backup --anchors FILE`),
// so it lives here, once.
import { readFileSync } from 'node:fs';

export interface Anchor {
  readonly seq: number;
  /** 64 lower-case hex digits. */
  readonly hash: string;
}

const ANCHOR_LINE = /^\s*`?\s*(\d{1,15})\s+([0-9a-fA-F]{64})\s*`?\s*$/;
/** An anchor inside a line of other text (a post copied from Discord): digits, a space, 64 hex digits, standing alone. */
const ANCHOR_IN_TEXT = /(?<![0-9A-Za-z#-])(\d{1,15}) ([0-9a-fA-F]{64})(?![0-9A-Za-z])/g;
/** A line that tries to be an anchor and fails: a long hex run (a hash) or nothing but "seq something". */
const ANCHOR_ATTEMPT = [/(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{32,}/, /^\s*`?\s*\d+\s+[0-9a-fA-F]+\s*`?\s*$/];

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
  return toAnchor(match[1], match[2]);
}

/**
 * A file of anchors, as copied from the audit channel: one `seq hash` per line,
 * alone or inside the text of its post (the post's title, the poster's name and
 * time, the words around it are skipped); blank lines and lines starting with #
 * are skipped. A line that looks like an anchor but is not one (a hash cut
 * short, a seq without its hash) is reported by line number.
 */
export function parseAnchors(text: string): { readonly anchors: Anchor[]; readonly badLines: number[] } {
  const anchors: Anchor[] = [];
  const badLines: number[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const inText = [...line.matchAll(ANCHOR_IN_TEXT)].map((match) => toAnchor(match[1], match[2]));
    const anchor = parseAnchorLine(line) ?? (inText.length === 1 ? inText[0] : undefined);
    if (anchor !== undefined) anchors.push(anchor);
    else if (inText.length > 1 || ANCHOR_ATTEMPT.some((pattern) => pattern.test(line))) badLines.push(index + 1);
  }
  return { anchors, badLines };
}

/** Reads an anchors file for an operator script: its anchors, or what is wrong with it in one sentence. */
export function loadAnchorsFile(path: string): { readonly anchors: Anchor[] } | { readonly problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { problem: `Cannot read the anchors file ${path}.` };
  }
  const { anchors, badLines } = parseAnchors(text);
  if (badLines.length > 0) {
    return {
      problem: `${path}: line ${badLines.slice(0, 5).join(', ')}${badLines.length > 5 ? ', …' : ''} is not "seq hash" (a row number, a space, 64 hex digits).`,
    };
  }
  if (anchors.length === 0) return { problem: `${path} holds no anchors.` };
  return { anchors };
}

function toAnchor(seqText: string | undefined, hash: string | undefined): Anchor | undefined {
  const seq = Number(seqText);
  return seq >= 1 && hash !== undefined ? { seq, hash: hash.toLowerCase() } : undefined;
}
