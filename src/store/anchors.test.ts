// The one anchor line format: what the audit channel will post is what
// verify-log reads back.
import { describe, expect, it } from 'vitest';
import { formatAnchor, parseAnchorLine, parseAnchors } from './anchors.ts';

const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('anchors', () => {
  it('reads back exactly what it formats, also as copied from a Discord code span', () => {
    const anchor = { seq: 1234, hash: HASH };
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
        { seq: 10, hash: HASH },
        { seq: 20, hash: HASH },
      ],
      badLines: [4, 6, 7],
    });
  });

  it('reads the anchors out of posts copied whole from the audit channel, their words around them skipped', () => {
    const copied = [
      'desk-bot APP — Today at 14:02',
      '⚓ Log anchor · every 100 rows',
      `\`1200 ${HASH}\``,
      'Keep this line outside the bot’s host: npm run verify-log -- --anchors FILE checks row 1200 still has this hash.',
      'desk-bot APP — Today at 14:03',
      '#1201 ✅ outcome success · pm.repay-debt · by alice (100000000000000002) · ref Xy12ab34',
      `⚓ Log anchor (shutdown): 1250 ${HASH} · 1250 rows`,
    ].join('\n');
    expect(parseAnchors(copied)).toEqual({ anchors: [{ seq: 1200, hash: HASH }, { seq: 1250, hash: HASH }], badLines: [] });
  });
});
