// Anchors: the chain head (a row's seq and hash) written down outside the
// database: posted to the audit channel, kept by whoever reads it. A chain that
// verifies against itself can still have been cut short or recomputed; an
// anchor taken earlier cannot be. The line format is shared by the poster and
// by `npm run verify-log --anchors FILE` (and `npm run backup --anchors FILE`),
// so it lives here, once.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Secret } from '../secret.ts';

export interface Anchor {
  readonly seq: number;
  /** 64 lower-case hex digits. */
  readonly hash: string;
  /** The bot's MAC of the anchor under AUDIT_LOG_KEY (16 hex digits), when its post carried one. */
  readonly mac?: string | undefined;
  /** Read from one of the bot's anchor posts (copied from the channel), or a bare line an operator wrote down. */
  readonly from?: 'post' | 'line';
}

/**
 * What starts every anchor post of the bot's, in each language the channel
 * may be in (the catalogs' auditPosts.anchor, en and zh-CN; a test holds them
 * to it): only such lines are read out of copied posts.
 */
export const ANCHOR_POST_MARKS = ['⚓ Log anchor', '⚓ 日志锚点'] as const;
/** A mark as copied: some clients add the emoji's variation selector. */
const POST_MARK = String.raw`⚓\uFE0F?\s*(?:${ANCHOR_POST_MARKS.map((mark) => mark.slice(mark.indexOf(' ') + 1)).join('|')})`;
const POST_START = new RegExp(String.raw`^\s*${POST_MARK}`);

const SEQ_HASH = String.raw`(\d{1,15})\s+([0-9a-fA-F]{64})`;
const MAC = String.raw`(?:\s+mac\s+\x60?([0-9a-f]{16})\x60?)?`;
/** A line that is nothing but an anchor (as an operator writes one down), optionally in backticks, optionally with its MAC. */
const ANCHOR_LINE = new RegExp(String.raw`^\s*\x60?\s*${SEQ_HASH}\s*\x60?${MAC}\s*$`);
/** The anchor inside one of the bot's anchor posts, backticks kept or lost in the copy. */
const ANCHOR_POST = new RegExp(String.raw`^\s*${POST_MARK}[^:：]*[:：]\s*\x60?${SEQ_HASH}\x60?${MAC}`);
/** A line that tries to be a bare anchor and fails: nothing but "seq something". */
const ANCHOR_ATTEMPT = /^\s*`?\s*\d+\s+[0-9a-fA-F]+\s*`?\s*$/;

/** `1234 9f86d0…`: the one line an anchor is posted and read as. */
export function formatAnchor(anchor: Anchor): string {
  return `${anchor.seq} ${anchor.hash}`;
}

/** The bot's MAC of an anchor under AUDIT_LOG_KEY: only the key's holder can make one, so a typed look-alike cannot carry it. */
export function anchorMac(anchor: Pick<Anchor, 'seq' | 'hash'>, key: Secret): string {
  return createHmac('sha256', key.reveal()).update(`anchor ${formatAnchor(anchor)}`).digest('hex').slice(0, 16);
}

/**
 * One line as an anchor: `seq hash` (optionally in backticks, optionally with
 * `mac …`), or one of the bot's anchor posts. Undefined for anything else.
 */
export function parseAnchorLine(line: string): Anchor | undefined {
  const bare = ANCHOR_LINE.exec(line);
  if (bare !== null) return toAnchor(bare[1], bare[2], bare[3], 'line');
  const post = ANCHOR_POST.exec(line);
  return post === null ? undefined : toAnchor(post[1], post[2], post[3], 'post');
}

/**
 * A file of anchors: one `seq hash` per line as an operator writes them down,
 * or whole stretches of the audit channel copied. From copied posts only the
 * bot's own anchor posts are read (a line starting "⚓ Log anchor", or its zh-CN mark); every other
 * line is skipped, so a `seq hash` pair someone typed into a freeze reason, or
 * a name made of hex digits, is neither read nor an error. (With
 * AUDIT_LOG_KEY, the anchors check also requires the bot's MAC on each post.)
 * A line that looks like an anchor but is not one (a hash cut short, an anchor
 * post that does not read) is reported by line number; blank lines and lines
 * starting with # are skipped.
 */
export function parseAnchors(text: string): { readonly anchors: Anchor[]; readonly badLines: number[] } {
  const anchors: Anchor[] = [];
  const badLines: number[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const anchor = parseAnchorLine(line);
    if (anchor !== undefined) anchors.push(anchor);
    else if (POST_START.test(line) || ANCHOR_ATTEMPT.test(line)) badLines.push(index + 1);
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

function toAnchor(seqText: string | undefined, hash: string | undefined, mac: string | undefined, from: 'post' | 'line'): Anchor | undefined {
  const seq = Number(seqText);
  return seq >= 1 && hash !== undefined ? { seq, hash: hash.toLowerCase(), ...(mac === undefined ? {} : { mac }), from } : undefined;
}
