// Knowing what happened, end to end through the real bot: every confirmation
// shows the live state it would change (and offers no Confirm where Binance
// would surely refuse), a success is read back, an UNKNOWN outcome is settled
// by reading Binance back (across a restart too), never by sending again, and
// a repeat of an UNKNOWN request needs a second, explicit click. Each scenario
// checks what Discord showed, what Binance received and what the log holds.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buttonsOf, textOf } from '../emulators/discord/index.ts';
import { actionIdOf, channelPost, current, eventsOf, expectNoLiveButtons, postsSince, requestAndConfirm, rowsOf, settle, shownConfirmation, waitForRows } from './support.ts';
import { USERS, World } from './world.ts';

const { admin, mallory } = USERS;
let world: World;

const account = () => {
  const first = world.binance.accounts[0];
  if (first === undefined) throw new Error('no emulated account');
  return first;
};
const repays = (since: number) => postsSince(world, since).filter((post) => post.path === '/papi/v1/margin/repay-debt');

/**
 * A fresh bot and Binance for each group: the bot counts a repay-debt whose
 * answer was lost as its full 3000 weight for the rest of the minute (no
 * headers came back to say otherwise), so two such repays share no window.
 */
function ownWorld(): void {
  beforeAll(async () => {
    world = await World.start();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });
}

describe('confirmations with live state', () => {
  ownWorld();

  const cases = [
    { command: 'pm-pro auto-repay-futures', options: { enabled: false }, seed: () => undefined, shows: 'Auto-repay is ON now → OFF', after: 'Auto-repay is ON → Auto-repay is OFF' },
    {
      command: 'pm repay-debt',
      options: { asset: 'BTC', amount: '0.1' },
      seed: () => account().setLoan('BTC', '0.5', '0.0001'),
      shows: 'BTC loan 0.5 + interest 0.0001 → repaying 0.1 leaves 0.4001',
      after: 'BTC loan 0.5 + interest 0.0001 → BTC loan 0.4001 + interest 0',
    },
    {
      command: 'pm repay-negative-balance',
      options: {},
      seed: () => account().setNegativeBalance('USDT', '123.45'),
      shows: 'negative futures balance: USDT −123.45',
      after: 'negative futures balance: USDT −123.45 → no negative futures balance',
    },
    { command: 'pm-pro bankruptcy-repay', options: {}, seed: () => account().setBankruptcyLoan('1234'), shows: 'PM Pro bankruptcy loan: 1,234 USDT', after: 'PM Pro bankruptcy loan: 1,234 USDT → no PM Pro bankruptcy loan' },
    {
      command: 'futures margin-type',
      options: { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' },
      seed: () => undefined,
      shows: 'BTCUSDT is CROSSED, no open orders, no position → ISOLATED',
      after: 'BTCUSDT is CROSSED → BTCUSDT is ISOLATED',
    },
  ] as const;

  for (const scenario of cases) {
    test(`/${scenario.command} shows the state it changes, then reads it back`, async () => {
      scenario.seed();
      const since = Date.now();
      const { confirmation, actionId, outcome } = await requestAndConfirm(world, admin.id, scenario.command, scenario.options);
      const shown = textOf(shownConfirmation(confirmation));
      expect(shown).toContain(`📡 On Binance now: • ${scenario.shows}`);
      expect(buttonsOf(shownConfirmation(confirmation)).map((button) => [button.label, button.disabled])).toEqual([
        ['Confirm', false],
        ['Cancel', false],
      ]);
      // Only the outcome's own reads follow the one POST: nothing is sent twice.
      expect(postsSince(world, since)).toHaveLength(1);
      expect(textOf(outcome)).toContain(`🔎 Read back: ${scenario.after}\n✅`);
      const rows = await rowsOf(world, actionId);
      expect(rows.map((row) => row.event)).toEqual(['requested', 'confirmed', 'sent', 'outcome', 'verified']);
      expect(rows.at(-1)?.outcome_kind).toBe('confirmed');
      expect(JSON.parse(rows.at(-1)?.params_json ?? '{}')).toHaveProperty('after');
    });
  }

  test('a margin type already set is refused before Confirm: no Confirm, nothing sent, the request closed and logged', async () => {
    account().setMarginType('ETHUSDT', 'ISOLATED');
    const since = Date.now();
    const { message } = await world.command(admin.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    const text = textOf(message);
    expect(text).toMatch(/^Not offered: \/futures margin-type/);
    expect(text).toContain('⛔ **Binance would refuse this:** ETHUSDT is already ISOLATED: Binance answers -4046 "No need to change margin type".');
    expect(text).toContain('📡 On Binance now: • ETHUSDT is ISOLATED, no open orders, no position → ISOLATED');
    expect(buttonsOf(message)).toEqual([]);
    await settle();
    expect(postsSince(world, since)).toEqual([]);
    const [pending] = await world.rows<{ id: string; state: string; closed_reason: string }>('SELECT id, state, closed_reason FROM pending_actions WHERE created_at >= ? ORDER BY created_at', [since]);
    expect(pending).toMatchObject({ state: 'cancelled', closed_reason: expect.stringMatching(/^Binance would refuse it: ETHUSDT is already ISOLATED/) });
    expect(await eventsOf(world, pending?.id ?? '')).toEqual(['requested', 'refused']);
  });

  test('a repay that executed but answered 503 is reconciled as EXECUTED on the requester’s message; one POST', async () => {
    const since = Date.now();
    world.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
    const { confirmation, actionId, outcome } = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'BNB', amount: '1' });
    expect(textOf(outcome)).toContain('⚠️ Outcome UNKNOWN');
    expect(textOf(outcome)).toMatch(/🔁 Reconciling: The bot reads Binance back 5 s, 30 s, 2 min and 10 min after the send/);
    const settled = await world.discord.waitFor(() => /Reconciled: EXECUTED/.test(textOf(current(world, confirmation))) && current(world, confirmation), 'the reconciliation on the message', 15_000);
    expect(textOf(settled)).toMatch(/The outcome was UNKNOWN\. Reading Binance back \(<t:\d+:T>\): repay record \d+ of 1 BNB \(principal 1 \+ interest 0\) at .* is CONFIRMED\./);
    expect(textOf(settled)).toContain('do not send it again');
    expectNoLiveButtons(settled);
    expect(repays(since)).toHaveLength(1);
    const rows = await rowsOf(world, actionId);
    expect(rows.map((row) => [row.event, row.outcome_kind])).toEqual([
      ['requested', null],
      ['confirmed', null],
      ['sent', null],
      ['outcome', 'unknown'],
      ['reconciled', 'executed'],
    ]);
    expect(rows.at(-1)?.params_json).toMatch(/GET \/papi\/v1\/margin\/repayLoan\?asset=BNB&startTime=/);
  }, 30_000);
});

describe('an UNKNOWN repay that did not execute', () => {
  ownWorld();

  test('a repay that did not execute: listed in /status while unknown, then reconciled as NOT executed; one POST', async () => {
    const since = Date.now();
    world.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503, executed: false });
    const { confirmation, actionId } = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'USDT', amount: '25' });
    // The first reading (5 s) finds no record yet: still unknown, logged once, listed for people.
    await waitForRows(world, actionId, (rows) => rows.some((row) => row.event === 'reconciled'));
    const status = await world.command(admin.id, 'status');
    expect(textOf(status.message)).toMatch(new RegExp(`ref ${actionId.slice(0, 8)} \`pm\\.repay-debt\` on main by desk-admin <t:\\d+:R> · next check <t:\\d+:R>: no USDT repay record of this request yet`));
    const settled = await world.discord.waitFor(() => /Reconciled: NOT executed/.test(textOf(current(world, confirmation))) && current(world, confirmation), 'the reconciliation', 40_000);
    expect(textOf(settled)).toMatch(/no USDT repay record around the time it was sent \(read 3\d s after the send\): Binance did not execute it/);
    expect(textOf(settled)).toContain('run the command again if it is still wanted');
    expect(repays(since)).toHaveLength(1);
    expect((await rowsOf(world, actionId)).filter((row) => row.event === 'reconciled').map((row) => row.outcome_kind)).toEqual(['unknown', 'not-executed']);
    const after = await world.command(admin.id, 'status');
    expect(textOf(after.message)).not.toContain(actionId.slice(0, 8));
  }, 60_000);
});

describe('UNKNOWN outcomes that stay open for a while, and a restart', () => {
  ownWorld();

  test('a re-request during an unresolved UNKNOWN needs the explicit second click; double clicks send once', async () => {
    const path = '/sapi/v1/portfolio/repay';
    world.binance.failNext(path, { kind: 'server-error', status: 503, executed: false });
    const first = await requestAndConfirm(world, admin.id, 'pm-pro bankruptcy-repay');
    expect(textOf(first.outcome)).toContain('⚠️ Outcome UNKNOWN');
    const since = Date.now();
    const { message } = await world.command(admin.id, 'pm-pro bankruptcy-repay');
    const ref = first.actionId.slice(0, 8);
    expect(message.content).toBe(
      `🛑 **Careful: an identical request (ref ${ref} by desk-admin) has an UNKNOWN outcome that is not resolved yet: it may have executed.** Confirm will then ask for a second, explicit **Send anyway** click before anything is sent.`,
    );
    const actionId = actionIdOf(message);
    const sentHere = () => postsSince(world, since).filter((post) => post.path === path);

    // A double click on Confirm: neither is the second click.
    const confirms = [world.discord.clickLabel(admin.id, message.id, 'Confirm'), world.discord.clickLabel(admin.id, message.id, 'Confirm')];
    await Promise.all(confirms.map((click) => world.discord.acknowledged(click)));
    await world.discord.waitFor(() => buttonsOf(current(world, message)).some((button) => button.label === 'Send anyway'), 'the Send anyway button');
    await settle(300);
    expect(sentHere()).toEqual([]);
    expect(current(world, message).content).toMatch(new RegExp(`^🛑 Not sent yet: an identical request \\(ref ${ref} by desk-admin\\) has an UNKNOWN outcome`));
    expect(buttonsOf(current(world, message)).map((button) => button.label)).toEqual(['Send anyway', 'Cancel']);

    // A double click on Send anyway: sent exactly once.
    const anyway = [world.discord.clickLabel(admin.id, message.id, 'Send anyway'), world.discord.clickLabel(admin.id, message.id, 'Send anyway')];
    await world.discord.waitFor(() => textOf(current(world, message)).startsWith('✅'), 'the outcome');
    await settle(300);
    expect(sentHere()).toHaveLength(1);
    expect(anyway.flatMap((click) => click.rejected)).toEqual([]);
    const events = await eventsOf(world, actionId);
    expect(events.filter((event) => event === 'sent')).toHaveLength(1);
    expect(events.slice(0, 4)).toEqual(['requested', 'refused', 'refused', 'confirmed']);
    const confirmed = (await rowsOf(world, actionId)).find((row) => row.event === 'confirmed');
    expect(confirmed?.detail).toMatch(new RegExp(`^sent anyway after the warning: an identical request \\(ref ${ref} by desk-admin\\)`));
  }, 30_000);

  test('/audit resolve closes an UNKNOWN by hand: needs the action’s grant or access.admin, and is logged', async () => {
    world.binance.failNext('POST /sapi/v1/portfolio/repay-futures-switch', { kind: 'server-error', status: 503, executed: false });
    const { actionId } = await requestAndConfirm(world, admin.id, 'pm-pro auto-repay-futures', { enabled: false });
    const ref = actionId.slice(0, 8);
    const stranger = await world.command(mallory.id, 'audit resolve', { ref, outcome: 'not-executed', note: 'looks fine to me' });
    expect(textOf(stranger.message)).toMatch(/^Refused: resolving `pm-pro.auto-repay-futures` needs a grant of it or `access.admin`/);
    const resolved = await world.command(admin.id, 'audit resolve', { ref, outcome: 'not-executed', note: 'auto-repay still ON in the web UI at 14:02' });
    expect(textOf(resolved.message)).toMatch(new RegExp(`^Resolved: ref ${ref} NOT executed`));
    const row = (await rowsOf(world, actionId)).find((candidate) => candidate.event === 'reconciled' && candidate.outcome_kind === 'not-executed');
    expect(row).toMatchObject({ user_id: admin.id, detail: 'resolved by hand as a root admin (BOT_ADMIN_IDS): auto-repay still ON in the web UI at 14:02' });
    const again = await world.command(admin.id, 'audit resolve', { ref, outcome: 'executed', note: 'changed my mind' });
    expect(textOf(again.message)).toMatch(/was already resolved as NOT executed/);
    const status = await world.command(admin.id, 'status');
    expect(textOf(status.message)).not.toContain(ref);
  });

  test('a timeout followed by a bot restart is still reconciled, and posted in the channel', async () => {
    const since = Date.now();
    world.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'delay', ms: 2_500 });
    const { actionId, outcome } = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'USDT', amount: '40' });
    expect(textOf(outcome)).toContain('⚠️ Outcome UNKNOWN');
    await world.restart('stop');
    const post = await channelPost(world, since, /Reconciled: EXECUTED/, 'the reconciliation in the channel');
    expect(post.content).toBe(`<@${admin.id}>, your request ref ${actionId.slice(0, 8)} had an UNKNOWN outcome:`);
    expect(textOf(post)).toMatch(/repay record \d+ of 40 USDT .* is CONFIRMED/);
    expect(repays(since)).toHaveLength(1);
    const rows = await rowsOf(world, actionId);
    expect(rows.map((row) => row.event)).toEqual(['requested', 'confirmed', 'sent', 'outcome', 'reconciled']);
    expect(rows.at(-1)?.outcome_kind).toBe('executed');
  }, 60_000);
});
