// The bot as `npm start` runs it, driven through the real discord.js Client
// against the local Discord and the local Binance. Every scenario checks the
// three sides: what Discord shows, what Binance received, what the log holds.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COLOURS } from '../../src/discord/render.ts';
import { runScript } from '../support/build.ts';
import { buttonsOf, colourOf, textOf } from '../emulators/discord/index.ts';
import { actionIdOf, current, eventsOf, expectEphemeralTo, expectNoLiveButtons, postsSince, requestAndConfirm, rowsOf, settle, shownConfirmation } from './support.ts';
import { API_SECRET, CHANNEL_ID, DISCORD_TOKEN, OTHER_GUILD_ID, USERS, World } from './world.ts';

const { admin, alice, bob, mallory } = USERS;
const TAIL = /&recvWindow=5000&timestamp=\d{13}$/;

let world: World;

beforeAll(async () => {
  world = await World.start({ heartbeatIntervalMs: 500 });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('the five commands, happy path', () => {
  const cases = [
    {
      command: 'pm repay-debt',
      options: { asset: 'btc', amount: '0.10', 'specify-repay-assets': 'usdt, bnb,USDT' },
      path: '/papi/v1/margin/repay-debt',
      params: /^asset=BTC&amount=0\.1&specifyRepayAssets=USDT%2CBNB/,
      // Binance's fields in plain words, the time in Discord's timestamp markup.
      shown: ['Repaid amount: `0.1`', 'Asset: BTC', 'Repaid with: USDT, BNB', /Time: <t:\d{10}:F> \(<t:\d{10}:R>\)/],
    },
    { command: 'pm repay-negative-balance', options: {}, path: '/papi/v1/repay-futures-negative-balance', params: /^/, shown: ['success'] },
    { command: 'pm-pro auto-repay-futures', options: { enabled: false }, path: '/sapi/v1/portfolio/repay-futures-switch', params: /^autoRepay=false/, shown: ['success'] },
    { command: 'pm-pro bankruptcy-repay', options: { from: 'MARGIN' }, path: '/sapi/v1/portfolio/repay', params: /^from=MARGIN/, shown: ['58203331886213504'] },
    { command: 'futures margin-type', options: { symbol: 'ethusdt', 'margin-type': 'ISOLATED' }, path: '/fapi/v1/marginType', params: /^symbol=ETHUSDT&marginType=ISOLATED/, shown: ['success'] },
  ] as const;

  for (const scenario of cases) {
    test(`/${scenario.command}`, async () => {
      const since = Date.now();
      const { confirmation, actionId, outcome } = await requestAndConfirm(world, admin.id, scenario.command, scenario.options);

      // Discord: an ephemeral confirmation with the exact request and Confirm (danger) / Cancel, then the outcome.
      expectEphemeralTo(confirmation, admin.id);
      const first = shownConfirmation(confirmation);
      expect(first === undefined ? '' : textOf(first)).toContain(`POST http://127.0.0.1`);
      expect(first === undefined ? '' : textOf(first)).toContain(scenario.path);
      expect(first === undefined ? [] : buttonsOf(first).map((button) => [button.label, button.style])).toEqual([
        ['Confirm', 4],
        ['Cancel', 2],
      ]);
      expect(textOf(outcome)).toContain(`✅ Done: /${scenario.command}`);
      for (const text of scenario.shown) expect(textOf(outcome)).toMatch(typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')) : text);
      expect(colourOf(outcome)).toBe(COLOURS.success);
      expectNoLiveButtons(outcome);
      expect(buttonsOf(outcome).map((button) => button.label)).toEqual(['Confirm', 'Cancel']);

      // Binance: exactly one signed POST with exactly these parameters.
      const posts = postsSince(world, since);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.path).toBe(scenario.path);
      expect(posts[0]?.totalParams).toMatch(scenario.params);
      expect(posts[0]?.totalParams.startsWith('recvWindow') || TAIL.test(posts[0]?.totalParams ?? '')).toBe(true);
      expect(posts[0]?.signatureValid).toBe(true);
      expect(posts[0]?.status).toBe(200);

      // The log: the whole story, the request without its signature, and the state read back.
      expect(await eventsOf(world, actionId)).toEqual(['requested', 'confirmed', 'sent', 'outcome', 'verified']);
      const rows = await rowsOf(world, actionId);
      expect(rows.at(-1)).toMatchObject({ event: 'verified', outcome_kind: 'confirmed' });
      const outcomeRow = rows.find((row) => row.event === 'outcome');
      expect(outcomeRow?.outcome_kind).toBe('success');
      expect(outcomeRow?.http_status).toBe(200);
      expect(outcomeRow?.user_id).toBe(admin.id);
      expect(rows.find((row) => row.event === 'sent')?.request_json).toContain(scenario.path);
      for (const row of rows) expect(`${row.request_json ?? ''}${row.response_json ?? ''}`).not.toContain('signature');
    });
  }
});

describe('amounts travel as exact text, never through a float', () => {
  // A loan big enough for every amount, so the live state does not refuse them before the click.
  beforeAll(() => world.binance.accounts[0]?.setLoan('USDT', '99999999999'));
  test.each([
    ['0.00000010', 'amount=0.0000001'],
    ['12345678901.12345678', 'amount=12345678901.12345678'],
  ])('/pm repay-debt amount:%s sends %s', async (amount, sent) => {
    const since = Date.now();
    const { actionId } = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'USDT', amount });
    const posts = postsSince(world, since);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.totalParams).toMatch(new RegExp(`^asset=USDT&${sent.replace('.', '\\.')}${TAIL.source}`));
    expect(posts[0]?.signatureValid).toBe(true);
    const requested = (await rowsOf(world, actionId))[0];
    expect(requested?.params_json).toContain(`"amount":"${sent.slice('amount='.length)}"`);
  });
});

describe('refusals: nothing reaches Binance', () => {
  test('invalid input names the option and the rule, and nothing is stored', async () => {
    const since = Date.now();
    const { message } = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '1e-3' });
    expectEphemeralTo(message, admin.id);
    expect(textOf(message)).toMatch(/amount/);
    expect(textOf(message)).toMatch(/decimal/i);
    expectNoLiveButtons(message);
    const tooPrecise = await world.command(admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.123456789' });
    expect(textOf(tooPrecise.message)).toMatch(/8 decimals|decimal places/i);
    expect(postsSince(world, since)).toHaveLength(0);
    const invalid = (await world.log()).filter((row) => row.event === 'invalid' && row.at_ms >= since);
    expect(invalid).toHaveLength(2);
    expect(invalid[0]?.params_json).toContain('1e-3');
    expect(await world.rows('SELECT id FROM pending_actions WHERE created_at >= ?', [since])).toEqual([]);
  });

  test('a user without a grant is refused, and only counted (no log row)', async () => {
    const since = Date.now();
    const { message } = await world.command(mallory.id, 'pm repay-negative-balance');
    expectEphemeralTo(message, mallory.id);
    expect(textOf(message)).toMatch(/^Refused/);
    expect(textOf(message)).toContain('pm.repay-negative-balance');
    expectNoLiveButtons(message);
    expect(postsSince(world, since)).toHaveLength(0);
    expect((await world.log()).filter((row) => row.at_ms >= since)).toEqual([]);
    await settle(1_200); // counters are written within a second
    const counted = await world.rows<{ user_id: string; kind: string }>('SELECT user_id, kind FROM refusal_counts');
    expect(counted).toContainEqual({ user_id: mallory.id, kind: 'refused' });
  });

  test('direct messages and other guilds are refused', async () => {
    const since = Date.now();
    const dm = world.discord.slash(admin.id, 'pm repay-negative-balance', {}, { dm: true, stale: true });
    await world.discord.acknowledged(dm);
    expect(textOf(world.discord.original(dm) ?? { content: '', embeds: [], components: [], at: 0 })).toMatch(/only in its Discord server/);
    const other = world.discord.slash(admin.id, 'pm repay-negative-balance', {}, { guildId: OTHER_GUILD_ID, stale: true });
    // The command is registered for the desk's guild only: in another guild Discord would not offer it, so this plays a stale client.
    await world.discord.acknowledged(other);
    expect(textOf(world.discord.original(other) ?? { content: '', embeds: [], components: [], at: 0 })).toMatch(/not set up for this server/);
    expect(postsSince(world, since)).toHaveLength(0);
  });

  test("another user's click on Confirm is refused; the requester's still works", async () => {
    const since = Date.now();
    const { message } = await world.command(admin.id, 'futures margin-type', { symbol: 'BNBUSDT', 'margin-type': 'ISOLATED' });
    const actionId = actionIdOf(message);
    const intruder = world.discord.clickLabel(bob.id, message.id, 'Confirm', { forged: true });
    // The click is acknowledged at once (deferUpdate); the refusal is a follow-up only bob sees.
    const answer = await world.discord.followUp(intruder);
    expect(intruder.callbacks.map((callback) => callback.type)).toEqual([6]);
    expectEphemeralTo(answer, bob.id);
    expect(textOf(answer)).toMatch(/Only desk-admin, who asked for this action, can confirm/);
    expect(buttonsOf(world.discord.messages.get(message.id) ?? message).every((button) => !button.disabled)).toBe(true);
    expect(postsSince(world, since)).toHaveLength(0);

    const click = world.discord.clickLabel(admin.id, message.id, 'Confirm');
    await world.discord.settled(click, (m) => textOf(m).startsWith('✅'));
    expect(postsSince(world, since)).toHaveLength(1);
    // bob holds no grant yet: his click is counted, not logged.
    expect(await eventsOf(world, actionId)).toEqual(['requested', 'confirmed', 'sent', 'outcome', 'verified']);
  });

  test('a double click sends once', async () => {
    const since = Date.now();
    const { message } = await world.command(admin.id, 'pm-pro auto-repay-futures', { enabled: true });
    const actionId = actionIdOf(message);
    const first = world.discord.clickLabel(admin.id, message.id, 'Confirm');
    const second = world.discord.clickLabel(admin.id, message.id, 'Confirm');
    await world.discord.acknowledged(first);
    await world.discord.acknowledged(second);
    await world.discord.waitFor(() => textOf(world.discord.messages.get(message.id) ?? message).startsWith('✅'), 'the outcome');
    await settle();
    expect(postsSince(world, since)).toHaveLength(1);
    const loser = await world.discord.waitFor(() => [first, second].find((click) => click.followUpIds.length > 0), 'the losing click to be answered');
    expect(textOf(await world.discord.followUp(loser))).toMatch(/already|no longer|being sent|in progress/i);
    const events = await eventsOf(world, actionId);
    expect(events.filter((event) => event === 'sent')).toHaveLength(1);
    expect(events.filter((event) => event === 'outcome')).toHaveLength(1);
    expect(first.rejected.concat(second.rejected)).toEqual([]);
  });

  test('cancel closes the confirmation and sends nothing', async () => {
    world.binance.accounts[0]?.setBankruptcyLoan('250');
    const since = Date.now();
    const { message } = await world.command(admin.id, 'pm-pro bankruptcy-repay');
    const actionId = actionIdOf(message);
    const click = world.discord.clickLabel(admin.id, message.id, 'Cancel');
    const closed = await world.discord.settled(click, (m) => /Cancelled/.test(textOf(m)));
    expectNoLiveButtons(closed);
    expect(postsSince(world, since)).toHaveLength(0);
    expect(await eventsOf(world, actionId)).toEqual(['requested', 'cancelled']);
    const state = await world.rows<{ state: string }>('SELECT state FROM pending_actions WHERE id = ?', [actionId]);
    expect(state).toEqual([{ state: 'cancelled' }]);
  });
});

describe('grants, caps and two-person approval through /access', () => {
  test('grant, cap, revoke between request and click', async () => {
    const granted = await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-debt', 'max-amount': '1', asset: 'btc' });
    expect(textOf(granted.message)).toContain(`<@${alice.id}>`);
    const since = Date.now();
    const tooMuch = await world.command(alice.id, 'pm repay-debt', { asset: 'BTC', amount: '2' });
    expect(textOf(tooMuch.message)).toMatch(/^Refused.*1 BTC/s);
    const uncapped = await world.command(alice.id, 'pm repay-debt', { asset: 'ETH', amount: '1' });
    expect(textOf(uncapped.message)).toMatch(/^Refused/);

    const { message } = await world.command(alice.id, 'pm repay-debt', { asset: 'BTC', amount: '0.3' });
    const actionId = actionIdOf(message);
    await world.command(admin.id, 'access revoke', { user: alice.id, action: 'pm.repay-debt' });
    const click = world.discord.clickLabel(alice.id, message.id, 'Confirm');
    const closed = await world.discord.settled(click, (m) => /Refused/.test(textOf(m)));
    expectNoLiveButtons(closed);
    expect(postsSince(world, since)).toHaveLength(0);
    expect(await eventsOf(world, actionId)).toEqual(['requested', 'refused']);
    const changes = (await world.log()).filter((row) => ['grant', 'revoke'].includes(row.event) && row.params_json?.includes(alice.id));
    expect(changes.map((row) => [row.event, row.user_id])).toEqual([
      ['grant', admin.id],
      ['revoke', admin.id],
    ]);
  });

  test('a second person approves; the requester and a user without the grant cannot', async () => {
    await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-negative-balance' });
    await world.command(admin.id, 'access grant', { user: bob.id, action: 'pm.repay-negative-balance' });
    const policy = await world.command(admin.id, 'access policy', { action: 'pm.repay-negative-balance', approvals: 1 });
    expect(textOf(policy.message)).toMatch(/second person|approv/i);
    const since = Date.now();

    const { message } = await world.command(alice.id, 'pm repay-negative-balance');
    expect(textOf(message)).toMatch(/second person/);
    // desk-admin's identical request executed minutes ago: Confirm asks for "Send anyway" first.
    expect(textOf(message)).toMatch(/Careful: an identical request \(ref \S+ by desk-admin\) was executed/);
    const actionId = actionIdOf(message);
    const confirm = world.discord.clickLabel(alice.id, message.id, 'Confirm (then needs approval)');
    await world.discord.waitFor(() => buttonsOf(current(world, message)).some((button) => button.label === 'Send anyway'), 'the Send anyway button');
    const anyway = world.discord.clickLabel(alice.id, message.id, 'Send anyway');
    await world.discord.settled(anyway, (m) => /Waiting for approval/.test(textOf(m)));
    expect(confirm.rejected).toEqual([]);
    const request = await world.discord.waitFor(
      () => [...world.discord.messages.values()].find((candidate) => candidate.visibleTo === undefined && textOf(candidate).includes('Approval needed') && candidate.createdAt >= since),
      'the approval request in the channel',
    );
    expect(request.channelId).toBe(CHANNEL_ID);
    expect(textOf(request)).toContain(`<@${alice.id}>`);
    expect(buttonsOf(request).map((button) => button.label)).toEqual(['Approve', 'Reject']);

    const self = world.discord.clickLabel(alice.id, request.id, 'Approve');
    expect(textOf(await world.discord.followUp(self))).toMatch(/cannot approve it/);
    const outsider = world.discord.clickLabel(mallory.id, request.id, 'Approve');
    expect(textOf(await world.discord.followUp(outsider))).toMatch(/^Refused/);
    expect(postsSince(world, since)).toHaveLength(0);

    const approve = world.discord.clickLabel(bob.id, request.id, 'Approve');
    const done = await world.discord.settled(approve, (m) => textOf(m).startsWith('✅'));
    expect(textOf(done)).toMatch(/Confirmed by bob · requested by alice/);
    expectNoLiveButtons(done);
    // The requester's own message shows the outcome too.
    await world.discord.waitFor(() => textOf(world.discord.messages.get(message.id) ?? message).startsWith('✅'), "the requester's message to show the outcome");
    const posts = postsSince(world, since);
    expect(posts.map((post) => [post.path, post.signatureValid])).toEqual([['/papi/v1/repay-futures-negative-balance', true]]);
    const rows = await rowsOf(world, actionId);
    expect(rows.map((row) => [row.event, row.user_id])).toEqual([
      ['requested', alice.id],
      // The first Confirm met the earlier identical request.
      ['refused', alice.id],
      ['confirmed', alice.id],
      ['refused', alice.id],
      // mallory's click is counted, not logged: she holds no grant.
      ['approved', bob.id],
      ['sent', bob.id],
      ['outcome', bob.id],
      ['verified', null],
    ]);
    expect(rows.find((row) => row.event === 'confirmed')?.detail).toMatch(/sent anyway after the warning: an identical request/);
    await world.command(admin.id, 'access policy', { action: 'pm.repay-negative-balance', approvals: 0 });
  });
});

describe('Binance failures, each explained and never retried', () => {
  test('-1021: the clock is re-synced, the request is not re-sent', async () => {
    const since = Date.now();
    world.binance.failNext('/fapi/v1/marginType', { kind: 'error', code: -1021, status: 400, msg: "Timestamp for this request is outside of the recvWindow." });
    const { actionId, outcome } = await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'SOLUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(outcome)).toContain('❌ Refused by Binance');
    expect(textOf(outcome)).toContain('-1021');
    expect(textOf(outcome)).toMatch(/Re-synced with Binance.*NOT re-sent/s);
    expect(colourOf(outcome)).toBe(COLOURS.rejected);
    await settle(300);
    expect(postsSince(world, since)).toHaveLength(1);
    const post = postsSince(world, since)[0];
    expect(world.binance.requests.some((request) => request.path === '/fapi/v1/time' && request.at >= (post?.at ?? 0))).toBe(true);
    const last = (await rowsOf(world, actionId)).at(-1);
    expect([last?.outcome_kind, last?.binance_code]).toEqual(['rejected', -1021]);
  });

  test('-2015: the key, its IP or its permissions', async () => {
    const since = Date.now();
    world.binance.failNext('/papi/v1/repay-futures-negative-balance', { kind: 'error', code: -2015, status: 401, msg: 'Invalid API-key, IP, or permissions for action.' });
    // The same request executed minutes ago: it needs "Send anyway".
    const { actionId, outcome } = await requestAndConfirm(world, admin.id, 'pm repay-negative-balance', {}, { sendAnyway: true });
    expect(textOf(outcome)).toContain('-2015');
    expect(textOf(outcome)).toMatch(/IP|permission/);
    expect(postsSince(world, since)).toHaveLength(1);
    expect((await rowsOf(world, actionId)).at(-1)?.binance_code).toBe(-2015);
  });

  test('-4046: the margin type is already set (and the live state could not tell before the click)', async () => {
    world.binance.accounts[0]?.setMarginType('XRPUSDT', 'ISOLATED');
    const since = Date.now();
    // With the state read, the confirmation would offer no Confirm (readback.test.ts); unread, Binance decides.
    world.binance.failNext('/fapi/v1/symbolConfig', { kind: 'server-error', status: 500 });
    const { actionId, outcome, confirmation } = await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'XRPUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(shownConfirmation(confirmation))).toMatch(/Current state unavailable \(Binance answered the read of \/fapi\/v1\/symbolConfig with HTTP 500\)/);
    expect(textOf(outcome)).toContain('-4046');
    expect(textOf(outcome)).toMatch(/already/i);
    expect(postsSince(world, since)).toHaveLength(1);
    expect((await rowsOf(world, actionId)).at(-1)?.binance_code).toBe(-4046);
  });

  test('429 with Retry-After: rate-limited, the family is held back until then', async () => {
    const since = Date.now();
    world.binance.failNext('/papi/v1/repay-futures-negative-balance', { kind: 'rate-limit', status: 429, retryAfterS: 2 });
    const { actionId, outcome } = await requestAndConfirm(world, admin.id, 'pm repay-negative-balance', {}, { sendAnyway: true });
    expect(textOf(outcome)).toContain('⏳ Rate-limited');
    expect(textOf(outcome)).toMatch(/Try again after: <t:\d+:T>/);
    expect(colourOf(outcome)).toBe(COLOURS.rateLimited);
    // Held back: the next papi request is not sent at all.
    const next = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'USDT' });
    expect(textOf(next.outcome)).toContain('Not sent');
    expect(postsSince(world, since)).toHaveLength(1);
    expect((await rowsOf(world, actionId)).at(-1)?.outcome_kind).toBe('rate-limited');
    const held = (await rowsOf(world, next.actionId)).at(-1);
    expect([held?.outcome_kind, held?.http_status, held?.detail]).toEqual(['rate-limited', null, expect.stringMatching(/^Not sent/)]);
    expect(await eventsOf(world, next.actionId)).toEqual(['requested', 'confirmed', 'outcome']);
    await settle(2_100);
  });

  test('418: an IP ban, said loudly', async () => {
    const since = Date.now();
    world.binance.failNext('POST /sapi/v1/portfolio/repay-futures-switch', { kind: 'rate-limit', status: 418, retryAfterS: 1 });
    const { actionId, outcome } = await requestAndConfirm(world, admin.id, 'pm-pro auto-repay-futures', { enabled: true });
    expect(textOf(outcome)).toContain('🚫 IP BANNED');
    expect(postsSince(world, since)).toHaveLength(1);
    expect((await rowsOf(world, actionId)).at(-1)?.http_status).toBe(418);
    await settle(1_100);
  });

  test('500: UNKNOWN, with what to check; not retried', async () => {
    const since = Date.now();
    world.binance.accounts[0]?.setBankruptcyLoan('1234');
    world.binance.failNext('/sapi/v1/portfolio/repay', { kind: 'server-error', status: 500 });
    const { actionId, outcome } = await requestAndConfirm(world, admin.id, 'pm-pro bankruptcy-repay', { from: 'SPOT' });
    expect(textOf(outcome)).toContain('⚠️ Outcome UNKNOWN');
    expect(textOf(outcome)).toMatch(/Check in Binance whether it happened/);
    expect(colourOf(outcome)).toBe(COLOURS.unknown);
    await settle(1_000);
    expect(postsSince(world, since)).toHaveLength(1);
    const last = (await rowsOf(world, actionId)).at(-1);
    expect([last?.outcome_kind, last?.http_status]).toEqual(['unknown', 500]);
  });

  test('a timeout: UNKNOWN (Binance did execute it), not retried', async () => {
    const since = Date.now();
    world.binance.failNext('/fapi/v1/marginType', { kind: 'delay', ms: 2_500 });
    const { actionId, outcome } = await requestAndConfirm(world, admin.id, 'futures margin-type', { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' });
    expect(textOf(outcome)).toContain('⚠️ Outcome UNKNOWN');
    await settle(2_000);
    const posts = postsSince(world, since);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.executed).toBe(true);
    expect((await rowsOf(world, actionId)).at(-1)?.outcome_kind).toBe('unknown');
  });
});

describe('the operator commands', () => {
  test('/status shows each family, the pending count and the UNKNOWN outcomes', async () => {
    const { message } = await world.command(admin.id, 'status');
    expectEphemeralTo(message, admin.id);
    const text = textOf(message);
    for (const family of ['sapi', 'papi', 'fapi']) expect(text).toContain(family);
    for (const family of ['SAPI', 'PAPI', 'FAPI']) expect(text).toMatch(new RegExp(`🟢 .*${family}`, 'i'));
    expect(text.match(/answers in \d+ ms/g)).toHaveLength(3);
    expect(text.match(/clock offset -?\d+ ms, synced <t:\d+:R>/g)).toHaveLength(3);
    // Used weight against the limit, from the last headers Binance sent.
    expect(text).toMatch(/x-mbx-used-weight-1m: \d+ \/ 2400/);
    expect(text).toMatch(/x-sapi-used-ip-weight-1m: \d+ \/ 12000/);
    expect(text).toMatch(/version 0\.1\.0, up since <t:\d+:R>/);
    expect(text).toMatch(/Database: \d+(\.\d)? (KiB|MiB|B)/);
    expect(text).toMatch(/Pending confirmations: \d+/);
    // The UNKNOWN outcomes of the 500 and the timeout scenarios, until the reconciler settles them
    // (seconds later: readback.test.ts follows one from listed to settled).
    expect(text).toMatch(/Unresolved UNKNOWN outcomes \(\d+; never re-sent, reconciled by reading Binance back\): (None\.|ref \S{8} `[a-z.-]+` on main by desk-admin <t:\d+:R> · )/);
    const refused = await world.command(mallory.id, 'status');
    expect(textOf(refused.message)).toMatch(/^Refused/);
  });

  test('/status during a 418: says the IP is banned and until when, and pings nothing', async () => {
    world.binance.failNext('/fapi/v1/ping', { kind: 'rate-limit', status: 418, retryAfterS: 3 });
    await world.command(admin.id, 'status'); // its fapi ping meets the ban
    const before = world.binance.requests.length;
    const { message } = await world.command(admin.id, 'status');
    const text = textOf(message);
    expect(text).toMatch(/🚫 IP BANNED until <t:\d+:T>/);
    expect(text).toMatch(/not reachable: not pinged: Binance has BANNED this IP address/);
    expect(world.binance.requests.slice(before)).toEqual([]);
    await settle(3_100);
  });

  test('/audit recent: an embed and the same rows as CSV', async () => {
    const { message } = await world.command(admin.id, 'audit recent', { limit: 10 });
    expectEphemeralTo(message, admin.id);
    expect(message.embeds.length).toBeGreaterThan(0);
    const csv = message.attachments.find((attachment) => attachment.filename === 'audit.csv');
    expect(csv).toBeDefined();
    const lines = (csv?.data.toString('utf8') ?? '').trim().split('\n');
    expect(lines[0]).toMatch(/^seq,at_ms,event,.*,prev_hash,hash_scheme,hash\r$/);
    expect(lines).toHaveLength(11);
    const filtered = await world.command(admin.id, 'audit recent', { user: bob.id, action: 'pm.repay-negative-balance' });
    const rows = (filtered.message.attachments[0]?.data.toString('utf8') ?? '').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toContain(bob.id);
    const refused = await world.command(mallory.id, 'audit recent');
    expect(textOf(refused.message)).toMatch(/^Refused/);
  });

  test('/audit pages: ‹ Newer · Page i/n · Older ›, stable while new rows arrive', async () => {
    const { message } = await world.command(admin.id, 'audit recent', { limit: 40 });
    const firstPage = textOf(message);
    expect(firstPage).toContain('Action log: latest 40 rows (1–15 of 40)');
    expect(buttonsOf(message).map((button) => [button.label, button.disabled])).toEqual([
      ['‹ Newer', true],
      ['Page 1 / 3', true],
      ['Older ›', false],
    ]);
    expect(message.attachments[0]?.data.toString('utf8').trim().split('\n')).toHaveLength(41);
    const topSeq = Number(/`#(\d+)`/.exec(firstPage)?.[1]);

    // New rows arrive; the pages keep showing the same 40.
    await world.command(mallory.id, 'pm repay-negative-balance');
    const second = world.discord.clickLabel(admin.id, message.id, 'Older ›');
    const page2 = await world.discord.settled(second, (m) => textOf(m).includes('(16–30 of 40)'), 'page 2');
    expect(textOf(page2)).toContain(`\`#${topSeq - 15}\``);
    const third = world.discord.clickLabel(admin.id, message.id, 'Older ›');
    const page3 = await world.discord.settled(third, (m) => textOf(m).includes('(31–40 of 40)'), 'page 3');
    expect(buttonsOf(page3).map((button) => [button.label, button.disabled])).toEqual([
      ['‹ Newer', false],
      ['Page 3 / 3', true],
      ['Older ›', true],
    ]);
    expect(page3.attachments).toHaveLength(1);
    const back = world.discord.clickLabel(admin.id, message.id, '‹ Newer');
    await world.discord.settled(back, (m) => textOf(m).includes('(16–30 of 40)'), 'back to page 2');

    // Someone without audit.read, with a crafted click: refused, the page unchanged.
    const intruder = world.discord.clickLabel(mallory.id, message.id, 'Older ›', { forged: true });
    await world.discord.acknowledged(intruder);
    expect(textOf(world.discord.original(intruder) ?? message)).toMatch(/^Refused/);
    expect(textOf(world.discord.messages.get(message.id) ?? message)).toContain('(16–30 of 40)');
  });

  test('/access list pages past 20 grants and attaches grants.csv', async () => {
    const actions = ['pm.repay-debt', 'pm.repay-negative-balance', 'pm-pro.auto-repay-futures', 'pm-pro.bankruptcy-repay', 'futures.margin-type', 'audit.read', 'access.admin'];
    for (const user of [alice, bob, mallory]) {
      for (const action of actions) await world.command(admin.id, 'access grant', { user: user.id, action });
    }
    const { message } = await world.command(admin.id, 'access list');
    expect(textOf(message)).toMatch(/Grants \(2\d, page 1 of 2\)/);
    expect(message.attachments.map((attachment) => attachment.filename)).toEqual(['grants.csv']);
    const next = world.discord.clickLabel(admin.id, message.id, 'Older ›');
    const page2 = await world.discord.settled(next, (m) => /page 2 of 2/.test(textOf(m)), 'grants page 2');
    expect(textOf(page2)).toContain('BOT_ADMIN_IDS');
    for (const user of [bob, mallory]) {
      for (const action of actions) await world.command(admin.id, 'access revoke', { user: user.id, action });
    }
    for (const action of actions) if (action !== 'pm.repay-negative-balance') await world.command(admin.id, 'access revoke', { user: alice.id, action });
  });

  test('autocomplete: trading perpetuals, and the account’s loans first', async () => {
    const symbols = world.discord.autocomplete(admin.id, 'futures margin-type', { symbol: 'bt' }, 'symbol');
    await world.discord.waitFor(() => symbols.choices, 'symbol choices');
    // The exchange info also lists a quarterly BTCUSDT_261225 and a SETTLING perpetual: neither is offered.
    expect(symbols.choices?.map((choice) => choice.value)).toEqual(['BTCUSDT']);
    const all = world.discord.autocomplete(admin.id, 'futures margin-type', { symbol: '' }, 'symbol');
    await world.discord.waitFor(() => all.choices, 'all symbol choices');
    expect(all.choices?.map((choice) => choice.value)).toEqual(['BNBUSDT', 'BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT']);

    const assets = world.discord.autocomplete(admin.id, 'pm repay-debt', { asset: '' }, 'asset');
    await world.discord.waitFor(() => assets.choices, 'asset choices');
    const names = assets.choices?.map((choice) => String(choice.name)) ?? [];
    expect(names[0]).toMatch(/borrowed/);
    expect(names.join('\n')).toMatch(/BTC.*borrowed 0\.4/);

    const outsider = world.discord.autocomplete(mallory.id, 'pm repay-debt', { asset: 'B' }, 'asset');
    await world.discord.waitFor(() => outsider.choices, 'choices for an outsider');
    expect(outsider.choices).toEqual([]);
    for (const record of [symbols, all, assets, outsider]) expect(record.callbacks[0]?.at ?? Infinity).toBeLessThan(record.dispatchedAt + 3_000);
  });
});

describe('load and hygiene', () => {
  test('a burst of 50 interactions: every one acknowledged within 3 s', async () => {
    const since = Date.now();
    const symbols = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'];
    const records = Array.from({ length: 50 }, (_, index) =>
      world.discord.slash(index % 2 === 0 ? admin.id : alice.id, index % 2 === 0 ? 'futures margin-type' : 'pm repay-negative-balance', index % 2 === 0 ? { symbol: symbols[index % 5] ?? 'BTCUSDT', 'margin-type': 'CROSSED' } : {}),
    );
    await Promise.all(records.map((record) => world.discord.acknowledged(record, 5_000)));
    const latencies = records.map((record) => (record.callbacks[0]?.at ?? Infinity) - record.dispatchedAt);
    expect(Math.max(...latencies)).toBeLessThan(3_000);
    // Acknowledged first, then answered with the confirmation and its live state.
    await Promise.all(records.map((record) => world.discord.settled(record, (message) => (message.flags & 128) === 0, 'the confirmation')));
    expect(records.flatMap((record) => record.rejected)).toEqual([]);
    const requested = (await world.log()).filter((row) => row.event === 'requested' && row.at_ms >= since);
    expect(requested).toHaveLength(50);
    expect(postsSince(world, since)).toHaveLength(0);
  });

  test('no secret in Discord, the log file or the bot’s output; the chain verifies', async () => {
    const signatures = world.binance.requests.map((request) => request.signature).filter((signature): signature is string => signature !== undefined);
    expect(signatures.length).toBeGreaterThan(10);
    const discordText = [...world.discord.messages.values()].map((message) => JSON.stringify(message.versions)).join('\n') + JSON.stringify(world.discord.calls.map((call) => call.body));
    const database = readFileSync(world.dbPath).toString('latin1') + readFileSync(`${world.dbPath}-wal`, { flag: 'a+' }).toString('latin1');
    for (const [name, haystack] of Object.entries({ discord: discordText, database, output: world.bot.output })) {
      expect(haystack.includes(API_SECRET), `${name} holds the API secret`).toBe(false);
      expect(haystack.includes(DISCORD_TOKEN), `${name} holds the Discord token`).toBe(false);
      for (const signature of signatures) expect(haystack.includes(signature), `${name} holds a signature`).toBe(false);
    }
    const verify = await runScript('verify-log', [], world.env);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/intact|ok/i);
  });

  test('the gateway: one identify with the right token, heartbeats acknowledged', () => {
    expect(world.discord.gateway.identified).toBe(1);
    expect(world.discord.gateway.badTokens).toBe(0);
    expect(world.discord.gateway.heartbeats).toBeGreaterThan(0);
    expect(world.discord.calls.filter((call) => call.status >= 400 && !call.path.includes('/interactions/'))).toEqual([]);
  });
});
