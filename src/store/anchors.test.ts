// The one anchor line format: what the audit channel will post is what
// verify-log reads back.
import { describe, expect, it } from 'vitest';
import { formatAnchor, parseAnchorLine, parseAnchors } from './anchors.ts';

const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('anchors', () => {
  it('reads back exactly what it formats, also as copied from a Discord code span', () => {
    const anchor = { seq: 1234, hash: HASH, from: 'line' } as const;
    expect(formatAnchor(anchor)).toBe(`1234 ${HASH}`);
    expect(parseAnchorLine(formatAnchor(anchor))).toEqual(anchor);
    expect(parseAnchorLine(`  \`${formatAnchor(anchor)}\`  `)).toEqual(anchor);
    expect(parseAnchorLine(`1234 ${HASH.toUpperCase()}`)).toEqual(anchor);
  });

  it('refuses anything else: a short hash, no seq, row 0, extra words', () => {
    for (const line of [`1234 ${HASH.slice(1)}`, HASH, `0 ${HASH}`, `1234 ${HASH} extra`, `#1234 ${HASH}`, `-5 ${HASH}`]) {
      expect(parseAnchorLine(line), line).toBeUndefined();
    }
  });

  it('skips blank and # lines in a file and names every line that tries to be an anchor and is not one', () => {
    expect(parseAnchors(`# anchors from the audit channel\n\n10 ${HASH}\r\n10 ${HASH.slice(3)}\n20 ${HASH}\n7 abc\n\`30 ${HASH}\` and \`31 ${HASH}\`\n`)).toEqual({
      anchors: [
        { seq: 10, hash: HASH, from: 'line' },
        { seq: 20, hash: HASH, from: 'line' },
      ],
      // Line 7 is words around two pairs: typed text, skipped (only bare lines and the bot's posts are read).
      badLines: [4, 6],
    });
  });

  it('reads the anchors out of the bot’s posts copied whole from the audit channel, skipping every other line', () => {
    const copied = [
      'desk-bot APP — Today at 14:02',
      `⚓ Log anchor (every 100 rows): \`1200 ${HASH}\` mac \`0123456789abcdef\` — row 1200 of the action log and its hash. Keep this line outside the bot’s host.`,
      'desk-bot APP — Today at 14:03',
      '#1201 ✅ outcome success · pm.repay-debt · by alice (100000000000000002) · ref Xy12ab34',
      // Someone's own words, with a pair in them (a freeze reason), and a name made of hex digits: not the bot's anchors.
      `every money-moving command is stopped: see 7 ${HASH} for why`,
      '#1202 ⛔ refused · by <@100000000000000066> (deadbeefdeadbeefdeadbeefdeadbeef)',
      // Copied from the client, the code spans lose their backticks (and the emoji may gain a variation selector).
      `⚓\uFE0F Log anchor (at shutdown): 1250 ${HASH} — row 1250 of the action log and its hash.`,
    ].join('\n');
    expect(parseAnchors(copied)).toEqual({
      anchors: [
        { seq: 1200, hash: HASH, mac: '0123456789abcdef', from: 'post' },
        { seq: 1250, hash: HASH, from: 'post' },
      ],
      badLines: [],
    });
    // A post of the bot's that does not read is named.
    expect(parseAnchors(`⚓ Log anchor (hourly): 12 ${HASH.slice(2)}`).badLines).toEqual([1]);
  });
});
