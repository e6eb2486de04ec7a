// The insider-proof trail, end to end against the real bot process: each test
// is an attack made by someone with write access to the database file (or by
// someone without any grant), and checks what Discord showed (the audit
// channel included), what Binance received and what the log holds.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { textOf, type EmulatedMessage } from '../emulators/discord/index.ts';
import { actionIdOf, isSettled, postsSince, requestAndConfirm, settle } from './support.ts';
import { AUDIT_CHANNEL_ID, CHANNEL_ID, USERS, World } from './world.ts';

const { admin } = USERS;

/** The #seq of every event post in the audit channel, in the order they arrived. */
function postedSeqs(posts: readonly EmulatedMessage[]): number[] {
  return posts.flatMap((message) => {
    const match = /^\*\*#(\d+)\*\*/.exec(textOf(message));
    return match === null ? [] : [Number(match[1])];
  });
}

/** Waits until the audit channel has posted every row the log holds. */
async function auditCaughtUp(world: World, timeoutMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logged = (await world.log()).map((row) => row.seq);
    const posted = postedSeqs(world.auditPosts());
    if (posted.length >= logged.length && logged.every((seq) => posted.includes(seq))) return logged;
    if (Date.now() > deadline) throw new Error(`the audit channel posted ${posted.length} of ${logged.length} rows`);
    await settle(100);
  }
}

describe('a pending action rewritten in the database, then confirmed (AUDIT_CHANNEL_ID set)', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ audit: true });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  test('the 0.01 BTC repay rewritten to a market BUY of 100 BTC: nothing reaches Binance, a tamper row, the audit post', async () => {
    const { message: confirmation } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.01' });
    expect(textOf(confirmation)).toMatch(/repay-debt\nasset=BTC\namount=0\.01\n/);
    const actionId = actionIdOf(confirmation);
    // The insider, with the file: the request becomes an order, everything else stays.
    await world.sql(
      `UPDATE pending_actions SET request_json = json_set(request_json, '$.path', '/papi/v1/um/order',
         '$.params', json('[["symbol","BTCUSDT"],["side","BUY"],["type","MARKET"],["quantity","100"]]')) WHERE id = ?`,
      [actionId],
    );
    const since = Date.now();
    const click = world.discord.clickLabel(admin.id, confirmation.id, 'Confirm');
    await world.discord.acknowledged(click);
    const shown = await world.discord.settled(click, isSettled, 'the click’s answer');
    expect(textOf(shown)).toMatch(/does not match what was requested and logged.*Nothing was sent/s);

    await settle(300);
    expect(postsSince(world, since)).toEqual([]);
    expect(world.binance.requests.filter((request) => request.path === '/papi/v1/um/order' || request.path === '/papi/v1/margin/repay-debt')).toEqual([]);
    const rows = (await world.log()).filter((row) => row.action_id === actionId);
    expect(rows.map((row) => row.event)).toEqual(['requested', 'tamper']);
    expect(rows[1]).toMatchObject({ user_id: admin.id, action_key: 'pm.repay-debt' });
    expect(rows[1]?.detail).toContain('request: stored POST /papi/v1/um/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=100, logged and rebuilt POST /papi/v1/margin/repay-debt asset=BTC&amount=0.01');
    const [state] = await world.rows<{ state: string }>('SELECT state FROM pending_actions WHERE id = ?', [actionId]);
    expect(state?.state).toBe('cancelled');

    const post = await world.discord.waitFor(() => world.auditPosts().find((message) => /TAMPERING/.test(textOf(message))), 'the audit post of the tamper row');
    expect(textOf(post)).toMatch(new RegExp(`^\\*\\*#${rows[1]?.seq}\\*\\* 🚨 \\*\\*TAMPERING\\*\\* · \`pm.repay-debt\` · by <@${admin.id}>`));
    expect(textOf(post)).toContain('/papi/v1/um/order');
    // Announced there, not in the desk's channel (the audit channel is where announcements go).
    expect(world.discord.channelMessages(CHANNEL_ID).filter((message) => /TAMPERING/.test(textOf(message)))).toEqual([]);
  });

  test('the audit channel unavailable for a while (Send Messages taken away): nothing is lost, every event arrives once, in order', async () => {
    const before = await auditCaughtUp(world);
    world.discord.refusePosts(AUDIT_CHANNEL_ID);
    await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    await world.command(admin.id, 'access grant', { user: USERS.bob.id, action: 'audit.read' });
    await requestAndConfirm(world, admin.id, 'pm repay-negative-balance');
    await world.bot.waitForLine((line) => line.message.startsWith('the audit channel refused a post'));
    const { message: status } = await world.command(admin.id, 'status');
    expect(textOf(status)).toMatch(new RegExp(`Audit channel <#${AUDIT_CHANNEL_ID}>: \\*\\*\\d+ waiting\\*\\*, the oldest for \\d+ s; last error: 50013 Missing Permissions \\(HTTP 403\\)`));
    const waiting = (await world.log()).length - before.length;
    expect(waiting).toBeGreaterThanOrEqual(8);
    expect(postedSeqs(world.auditPosts())).toEqual(before);

    world.discord.acceptPosts(AUDIT_CHANNEL_ID);
    const logged = await auditCaughtUp(world, 40_000);
    const posted = postedSeqs(world.auditPosts());
    expect(posted).toEqual(logged);
    const { message: after } = await world.command(admin.id, 'status');
    expect(textOf(after)).toContain(`Audit channel <#${AUDIT_CHANNEL_ID}>: every event posted`);
    expect(textOf(after)).toContain('Log chain NOT keyed');
  }, 60_000);
});
