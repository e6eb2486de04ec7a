// Review of issue 12. The audit channel is "the copy that someone without
// database access holds", but what it showed was read from the
// `audit_outbox` table, which nothing authenticated: the poster posted
// `body_json` as stored, and the anchors' own bookkeeping trusted the table's
// MAX(seq). A database writer therefore decided what the channel showed,
// without the key and without leaving a #seq gap. And the anchors file the
// README tells operators to copy "whole stretches of the channel" into took
// any `seq hash` pair in any post's text, including text people type.
// Now each entry is rebuilt from its log row at post time (src/store/outbox.ts),
// only anchors that match the log count as done, an over-long lease is taken
// over, and anchors are read only from the bot's own anchor posts, which carry
// a MAC under AUDIT_LOG_KEY (src/store/anchors.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditChannelPoster } from '../../src/discord/audit-channel.ts';
import { silentLogger } from '../../src/log.ts';
import { Secret } from '../../src/secret.ts';
import { openStore, parseAnchors, runLogChecks, type Store } from '../../src/store/index.ts';
import { DiscordEmulator, textOf } from '../emulators/discord/index.ts';
import { KEY as KEY_TEXT } from './trail-support.ts';

const KEY = new Secret(KEY_TEXT);
const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDk5.audit.review12-token';
const APP = '100000000000000099';
const GUILD = '200000000000000001';
const DESK = '300000000000000001';
const AUDIT = '300000000000000009';
const MALLORY = '100000000000000066';

let dir: string;
let store: Store;
let discord: DiscordEmulator;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'review12-audit-'));
  store = await openStore(join(dir, 'bot.sqlite'), { auditMirror: true, auditLogKey: KEY });
  discord = await DiscordEmulator.start({ token: TOKEN, applicationId: APP, guildId: GUILD, channelId: DESK, auditChannelId: AUDIT, users: [] });
});
afterEach(async () => {
  await store.close();
  await discord.close();
  rmSync(dir, { recursive: true, force: true });
});

function poster(): AuditChannelPoster {
  const rest = new REST({ api: discord.apiUrl, retries: 0, timeout: 2_000 }).setToken(TOKEN);
  return new AuditChannelPoster({ store, rest, channelId: AUDIT, instanceId: 'review12:1', log: silentLogger, backoff: { firstMs: 20, maxMs: 80 } });
}

const channel = () => discord.channelMessages(AUDIT).map(textOf);

describe('what the audit channel shows is what the log holds', () => {
  it('a tamper finding is posted as TAMPERING even when the insider planted a trigger on audit_outbox', async () => {
    // Planted once; from then on the bot itself rewrites every tamper post, in its own transaction. No gap in #seq.
    await store.db.exec(`
      CREATE TRIGGER audit_outbox_quiet AFTER INSERT ON audit_outbox
      WHEN json_extract(NEW.body_json, '$.row.event') = 'tamper'
      BEGIN
        UPDATE audit_outbox SET body_json = json_set(body_json, '$.row.event', 'startup', '$.row.detail', 'version 0.1.0; log chain keyed (HMAC-SHA256)',
          '$.row.user_id', NULL, '$.row.user_tag', NULL, '$.row.action_key', NULL, '$.row.action_id', NULL) WHERE id = NEW.id;
      END;`);
    const row = await store.log.append({
      event: 'tamper',
      actionId: 'a1',
      actionKey: 'pm.repay-debt',
      userId: MALLORY,
      userTag: 'mallory',
      detail: 'nothing was sent: request: stored POST /papi/v1/um/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=100',
    });
    await poster().pump();

    const post = channel().find((text) => text.startsWith(`**#${row.seq}**`));
    expect(post).toMatch(/TAMPERING/);
  });

  it('a post waiting while Discord refuses it (an outage) is edited in the outbox: the channel shows the edit', async () => {
    discord.refusePosts(AUDIT);
    const sent = await store.log.append({ event: 'sent', actionId: 'a2', actionKey: 'pm.repay-debt', userId: MALLORY, userTag: 'mallory', request: { method: 'POST', path: '/papi/v1/margin/repay-debt', params: 'asset=USDT&amount=9000' } });
    await poster().pump();
    expect(channel()).toEqual([]);
    await store.db.run("UPDATE audit_outbox SET body_json = replace(body_json, 'amount=9000', 'amount=9') WHERE seq = ?", [sent.seq]);

    discord.acceptPosts(AUDIT);
    await poster().pump();
    const post = channel().find((text) => text.startsWith(`**#${sent.seq}**`));
    expect(post).toContain('amount=9000');
  });

  it('a lease planted for a holder that does not exist does not silence the channel', async () => {
    // No bot process beats under this name (bot_processes); the lease simply runs for a thousand years.
    await store.db.run("INSERT INTO leases (name, holder, until_ms) VALUES ('audit-poster', 'planted:0', 32503680000000)");
    const row = await store.log.append({ event: 'sent', actionId: 'a3', actionKey: 'pm.repay-debt', userId: MALLORY, userTag: 'mallory' });
    await poster().pump();
    expect(channel().some((text) => text.startsWith(`**#${row.seq}**`))).toBe(true);
  });

  it('one planted outbox row stops every start-up, shutdown and hourly anchor', async () => {
    await store.db.run("INSERT INTO audit_outbox (kind, seq, body_json, nonce, created_at, posted_at) VALUES ('anchor', 999999999, '{}', 'planted', 0, 0)");
    for (let i = 0; i < 3; i++) await store.log.append({ event: 'requested', userId: MALLORY, actionKey: 'pm.repay-debt', detail: `row ${i}` });
    // main.ts anchors the head at start-up (and at shutdown, and hourly) with this call.
    expect(await store.outbox.anchorHead('startup')).toBe(3);
  });
});

describe('an anchors file copied from the channel, as the README says (whole stretches, words around skipped)', () => {
  it('reads only the bot’s anchors: not a `seq hash` pair someone typed into a freeze reason', async () => {
    const head = await store.log.append({ event: 'requested', userId: MALLORY, actionKey: 'pm.repay-debt' });
    // A desk member who holds any grant may /freeze on with a reason of their own words (300 characters).
    await store.log.append({ event: 'freeze', userId: MALLORY, userTag: 'mallory', params: { reason: `see 1 ${'0'.repeat(64)} for why` } });
    await store.outbox.anchorHead('shutdown');
    await poster().pump();

    const { anchors, badLines } = parseAnchors(channel().join('\n'));
    expect(badLines).toEqual([]);
    // Only the bot's anchor (row 2, the freeze row) — not mallory's "row 1 has hash 000…".
    expect(anchors.map((anchor) => anchor.seq)).toEqual([head.seq + 1]);
  });

  it('is not made unusable by a username that happens to be 32 hex digits', async () => {
    await store.log.append({ event: 'refused', userId: MALLORY, userTag: 'deadbeefdeadbeefdeadbeefdeadbeef', actionKey: 'pm.repay-debt', detail: 'at the click: …' });
    await store.outbox.anchorHead('shutdown');
    await poster().pump();

    expect(parseAnchors(channel().join('\n')).badLines).toEqual([]);
  });

  it('with the key, uses only the bot’s anchor posts: a look-alike typed into the channel carries no MAC that verifies', async () => {
    const head = await store.log.append({ event: 'requested', userId: MALLORY, actionKey: 'pm.repay-debt' });
    await store.outbox.anchorHead('shutdown');
    await poster().pump();
    const typed = `⚓ Log anchor (hourly): \`${head.seq + 5} ${'ab'.repeat(32)}\` mac \`0123456789abcdef\` — row ${head.seq + 5} of the action log and its hash.`;
    const { anchors } = parseAnchors([...channel(), typed].join('\n'));
    expect(anchors.map((anchor) => anchor.seq)).toEqual([head.seq, head.seq + 5]);

    const verdict = await runLogChecks({ db: store.db, key: KEY, anchors });
    const check = verdict.results.find((result) => result.name === 'anchors');
    expect(verdict.status).toBe('intact');
    expect(check).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^1 given, 1 matched/) });
    expect(check?.notes).toContainEqual(expect.stringMatching(/^1 anchor posts \(rows 6\) carry no MAC that verifies under AUDIT_LOG_KEY: not the bot's/));
  });
});
