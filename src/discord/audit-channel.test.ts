// The audit channel's poster against the local Discord (a real discord.js REST
// client, a real SQLite file): in order, once, through refusals, a crash
// between a post and its mark, and two bot processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordEmulator, colourOf, textOf, type EmulatedMessage } from '../../test/emulators/discord/index.ts';
import { LOCALES, messages } from '../i18n/index.ts';
import { silentLogger } from '../log.ts';
import { Secret } from '../secret.ts';
import { ANCHOR_EVERY_ROWS, ANCHOR_POST_MARKS, anchorMac, openStore, parseAnchors, type Store } from '../store/index.ts';
import { AuditChannelPoster, describeFailure } from './audit-channel.ts';
import { AUDIT_COLOURS, auditMessage } from './audit-posts.ts';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDk5.audit.poster-test-token';
const APP = '100000000000000099';
const GUILD = '200000000000000001';
const DESK = '300000000000000001';
const AUDIT = '300000000000000009';

let dir: string;
let store: Store;
let discord: DiscordEmulator;
const others: Store[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-poster-'));
  store = await openStore(join(dir, 'bot.sqlite'), { auditMirror: true });
  discord = await DiscordEmulator.start({ token: TOKEN, applicationId: APP, guildId: GUILD, channelId: DESK, auditChannelId: AUDIT, users: [] });
});

afterEach(async () => {
  for (const other of others.splice(0)) await other.close();
  await store.close();
  await discord.close();
  rmSync(dir, { recursive: true, force: true });
});

function poster(on: Store = store, instanceId = 'test:1'): AuditChannelPoster {
  const rest = new REST({ api: discord.apiUrl, retries: 0, timeout: 2_000 }).setToken(TOKEN);
  return new AuditChannelPoster({ store: on, rest, channelId: AUDIT, instanceId, log: silentLogger, backoff: { firstMs: 20, maxMs: 80 } });
}

function posts(): EmulatedMessage[] {
  return discord.channelMessages(AUDIT);
}

/** The #seq each event post shows, in the order the channel received them. */
function seqsPosted(): number[] {
  return posts().flatMap((message) => {
    const match = /^\*\*#(\d+)\*\*/.exec(textOf(message));
    return match === null ? [] : [Number(match[1])];
  });
}

async function logRows(count: number, at: Store = store): Promise<void> {
  for (let i = 0; i < count; i++) await at.log.append({ event: 'requested', userId: '100000000000000002', userTag: 'alice', actionKey: 'pm.repay-debt', detail: `row ${i}` });
}

async function drain(target: AuditChannelPoster): Promise<void> {
  for (let i = 0; i < 200 && (await store.outbox.next()) !== undefined; i++) {
    await target.pump();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the audit channel poster', () => {
  it('posts every logged row once, in order, and an anchor every 100 rows that verify-log reads back', async () => {
    await logRows(ANCHOR_EVERY_ROWS + 2);
    const posted = await poster().pump();
    expect(posted).toBe(ANCHOR_EVERY_ROWS + 3);
    expect(seqsPosted()).toEqual(Array.from({ length: ANCHOR_EVERY_ROWS + 2 }, (_, i) => i + 1));
    const anchors = parseAnchors(posts().map(textOf).join('\n'));
    const row = await store.db.get<{ hash: string }>('SELECT hash FROM action_log WHERE seq = ?', [ANCHOR_EVERY_ROWS]);
    expect(anchors).toEqual({ anchors: [{ seq: ANCHOR_EVERY_ROWS, hash: row?.hash, from: 'post' }], badLines: [] });
    // The anchor follows its row, before the next one.
    const texts = posts().map(textOf);
    expect(texts.findIndex((text) => text.startsWith('⚓'))).toBe(ANCHOR_EVERY_ROWS);
    expect(await store.outbox.backlog()).toMatchObject({ waiting: 0, lastError: null });
  });

  it('mirrors exactly what is logged: a transaction that rolls back leaves no row and nothing to post', async () => {
    await store.db
      .transaction(async (tx) => {
        await store.log.appendIn(tx, { event: 'grant', userId: '1' });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await store.outbox.next()).toBeUndefined();
    await logRows(1);
    expect((await store.outbox.next())?.body).toMatchObject({ kind: 'event', row: { seq: 1, event: 'requested' } });
  });

  it('keeps the order while Discord refuses (50013, then a 503): the backlog shows it, then every entry arrives once', async () => {
    await logRows(3);
    discord.refusePosts(AUDIT, 'missing-permission');
    const target = poster();
    expect(await target.pump()).toBe(0);
    const refused = await store.outbox.backlog();
    expect(refused).toMatchObject({ waiting: 3, attempts: 1, lastError: expect.stringMatching(/^50013 Missing Permissions \(HTTP 403\)/) });
    await logRows(2);
    discord.refusePosts(AUDIT, 'server-error');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await target.pump()).toBe(0);
    expect((await store.outbox.backlog()).lastError).toMatch(/503/);
    expect(posts()).toEqual([]);

    discord.acceptPosts(AUDIT);
    await drain(target);
    expect(seqsPosted()).toEqual([1, 2, 3, 4, 5]);
    expect(await store.outbox.backlog()).toMatchObject({ waiting: 0 });
  });

  it('never doubles a post when a process died between the post and its mark: the nonce returns the first message', async () => {
    await logRows(2);
    const first = await store.outbox.next();
    if (first === undefined) throw new Error('nothing queued');
    // The process that died had posted entry 1 and not marked it.
    const rest = new REST({ api: discord.apiUrl, retries: 0 }).setToken(TOKEN);
    await rest.post(`/channels/${AUDIT}/messages`, { body: auditMessage(first.body, first.nonce) });
    expect(posts()).toHaveLength(1);

    await drain(poster(store, 'restarted:2'));
    expect(seqsPosted()).toEqual([1, 2]);
    expect(posts()).toHaveLength(2);
  });

  it('lets only one of two bot processes post (a lease in SQLite); the other takes over once it is released', async () => {
    const second = await openStore(join(dir, 'bot.sqlite'), { auditMirror: true });
    others.push(second);
    const one = poster(store, 'host:1');
    const two = poster(second, 'host:2');
    await logRows(2);
    expect(await one.pump()).toBe(2);
    await logRows(2, second);
    expect(await two.pump()).toBe(0); // host:1 holds the lease
    await one.stop(500); // posts what is left (rows 3 and 4), then gives the lease up
    expect(seqsPosted()).toEqual([1, 2, 3, 4]);
    await logRows(1, second);
    expect(await two.pump()).toBe(1);
    expect(seqsPosted()).toEqual([1, 2, 3, 4, 5]);
  });

  it('shows an UNKNOWN outcome in a colour no other post uses, and never pings anyone', async () => {
    await store.log.append({ event: 'outcome', actionKey: 'pm.repay-debt', userId: '100000000000000002', outcomeKind: 'unknown', httpStatus: 500, detail: 'may have executed' });
    await store.log.append({ event: 'outcome', actionKey: 'pm.repay-debt', userId: '100000000000000002', outcomeKind: 'success', httpStatus: 200 });
    await store.log.append({ event: 'freeze', userId: '100000000000000002', params: { reason: '@everyone key leak' } });
    await poster().pump();
    const [unknown, success, freeze] = posts();
    expect(textOf(unknown as EmulatedMessage)).toMatch(/UNKNOWN — check in Binance/);
    expect(colourOf(unknown as EmulatedMessage)).toBe(AUDIT_COLOURS.unknown);
    expect(Object.entries(AUDIT_COLOURS).filter(([, colour]) => colour === AUDIT_COLOURS.unknown).map(([name]) => name)).toEqual(['unknown']);
    expect(colourOf(success as EmulatedMessage)).toBe(AUDIT_COLOURS.success);
    expect(textOf(freeze as EmulatedMessage)).toContain('@everyone key leak');
    const bodies = discord.calls.filter((call) => call.path === `/channels/${AUDIT}/messages`).map((call) => call.body as { allowed_mentions?: unknown; enforce_nonce?: unknown; nonce?: unknown });
    expect(bodies.every((body) => JSON.stringify(body.allowed_mentions) === '{"parse":[]}' && body.enforce_nonce === true && typeof body.nonce === 'string')).toBe(true);
  });

  it('describes a network failure in one line', () => {
    expect(describeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { name: 'Error' }))).toBe('Error: connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('anchors of the chain head', () => {
  it('anchors the head at start-up or shutdown unless it already is, and hourly only when a row waited an hour', async () => {
    let now = 1_700_000_000_000;
    const timed = await openStore(join(dir, 'timed.sqlite'), { auditMirror: true, now: () => now });
    others.push(timed);
    expect(await timed.outbox.anchorHead('startup')).toBeUndefined(); // an empty log
    await timed.log.append({ event: 'startup' });
    expect(await timed.outbox.anchorHead('startup')).toBe(1);
    expect(await timed.outbox.anchorHead('shutdown')).toBeUndefined(); // already anchored
    await timed.log.append({ event: 'requested' });
    now += 59 * 60_000;
    expect(await timed.outbox.anchorHead('hour', 3_600_000)).toBeUndefined();
    now += 60_000;
    expect(await timed.outbox.anchorHead('hour', 3_600_000)).toBe(2);
  });
});

describe('the channel in BOT_LOCALE zh-CN', () => {
  it('posts the words in Chinese and the log as it is, and its anchor posts still read back, MAC included', async () => {
    const key = new Secret('audit-channel-zh-test-key-000000000000001');
    const keyed = await openStore(join(dir, 'keyed.sqlite'), { auditMirror: true, auditLogKey: key });
    others.push(keyed);
    await logRows(ANCHOR_EVERY_ROWS - 1, keyed);
    await keyed.log.append({ event: 'host-ban', detail: 'HTTP 418 on https://papi.binance.com until 2030-01-01T00:00:00.000Z' });
    const rest = new REST({ api: discord.apiUrl, retries: 0, timeout: 2_000 }).setToken(TOKEN);
    const zh = new AuditChannelPoster({ store: keyed, rest, channelId: AUDIT, instanceId: 'test:zh', log: silentLogger, text: messages('zh-CN') });
    expect(await zh.pump()).toBe(ANCHOR_EVERY_ROWS + 1);
    await zh.alarm('a trigger `x` on `action_log` that no migration created');

    const texts = posts().map(textOf);
    expect(texts[ANCHOR_EVERY_ROWS - 1]).toContain('币安要求等待（429/418）');
    expect(texts[ANCHOR_EVERY_ROWS - 1]).toContain('HTTP 418 on https://papi.binance.com');
    expect(texts[ANCHOR_EVERY_ROWS]).toMatch(/^⚓ 日志锚点（每 100 行）：`100 [0-9a-f]{64}` mac `[0-9a-f]{16}`/);
    expect(texts[ANCHOR_EVERY_ROWS + 1]).toMatch(/^🚨 \*\*篡改：.*a trigger `x` on `action_log` that no migration created/);
    const row = await keyed.db.get<{ hash: string }>('SELECT hash FROM action_log WHERE seq = ?', [ANCHOR_EVERY_ROWS]);
    const { anchors, badLines } = parseAnchors(texts.join('\n'));
    expect(badLines).toEqual([]);
    expect(anchors).toEqual([{ seq: ANCHOR_EVERY_ROWS, hash: row?.hash, mac: anchorMac({ seq: ANCHOR_EVERY_ROWS, hash: row?.hash ?? '' }, key), from: 'post' }]);
  });

  it('opens every catalog’s anchor post with a mark verify-log reads', () => {
    for (const locale of LOCALES) {
      const text = messages(locale).auditPosts.anchor({ reason: 'x', anchor: `7 ${'a'.repeat(64)}`, mac: ' mac `0123456789abcdef`', seq: 7 });
      expect(ANCHOR_POST_MARKS.some((mark) => text.startsWith(mark))).toBe(true);
      expect(parseAnchors(text)).toEqual({ anchors: [{ seq: 7, hash: 'a'.repeat(64), mac: '0123456789abcdef', from: 'post' }], badLines: [] });
    }
  });
});
