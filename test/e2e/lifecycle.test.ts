// Time and process life: confirmations that expire, a bot restarted (cleanly
// or killed) between the request and the Confirm or in the middle of a
// Binance call, and dry-run mode. Each with its own bot process.
import { afterEach, describe, expect, test } from 'vitest';
import { COLOURS } from '../../src/discord/render.ts';
import { buttonsOf, colourOf, textOf } from '../emulators/discord/index.ts';
import { actionIdOf, channelPost, current, eventsOf, expectNoLiveButtons, postsSince, requestAndConfirm, rowsOf, shownConfirmation, waitForRows } from './support.ts';
import { USERS, World } from './world.ts';

const { admin } = USERS;
let world: World | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('expiry (CONFIRM_TIMEOUT_SECONDS=5)', () => {
  test('an unanswered confirmation expires: the message says so, a late click too, nothing is sent', async () => {
    world = await World.start({ confirmTimeoutSeconds: 5 });
    const w = world;
    const since = Date.now();
    const { message } = await w.command(admin.id, 'pm repay-debt', { asset: 'BNB', amount: '1' });
    const actionId = actionIdOf(message);
    const expired = await w.discord.waitFor(() => {
      const current = w.discord.messages.get(message.id);
      return current !== undefined && /expired/.test(textOf(current)) ? current : undefined;
    }, 'the confirmation to show it expired', 9_000);
    expectNoLiveButtons(expired);
    expect(Date.now() - since).toBeGreaterThanOrEqual(4_500);
    // A client that still shows the old buttons:
    const late = w.discord.clickLabel(admin.id, message.id, 'Confirm', { forged: true });
    await w.discord.settled(late, (m) => /expired/.test(textOf(m)), 'the late click to say expired');
    expect(postsSince(w, since)).toHaveLength(0);
    expect(await eventsOf(w, actionId)).toEqual(['requested', 'expired']);
  }, 30_000);
});

describe('an access proposal nobody approves (CONFIRM_TIMEOUT_SECONDS=5)', () => {
  test('expires: greyed out in the channel, logged once, nothing changed; a late Approve says so', async () => {
    world = await World.start({ confirmTimeoutSeconds: 5 });
    const w = world;
    await w.command(admin.id, 'access grant', { user: USERS.alice.id, action: 'access.admin' });
    const since = Date.now();
    const { message } = await w.command(USERS.alice.id, 'access grant', { user: USERS.bob.id, action: 'audit.read' });
    expect(textOf(message)).toMatch(/^Proposed: grant `audit.read`/);
    const proposal = await channelPost(w, since, /^Access proposal/);
    const expired = await w.discord.waitFor(() => {
      const now = current(w, proposal);
      return /Expired: nobody approved it in time; nothing changed/.test(textOf(now)) ? now : undefined;
    }, 'the proposal to show it expired', 9_000);
    expectNoLiveButtons(expired);
    const late = w.discord.clickLabel(USERS.mallory.id, proposal.id, 'Approve', { forged: true });
    await w.discord.settled(late, (m) => /expired/.test(textOf(m)), 'the late click to say expired');
    expect(await w.rows('SELECT * FROM grants WHERE user_id = ?', [USERS.bob.id])).toEqual([]);
    const proposalId = buttonsOf(proposal)[0]?.customId.split(':')[2] ?? '';
    expect(await eventsOf(w, proposalId)).toEqual(['proposed', 'expired']);
  }, 30_000);
});

describe('an approval request without Send Messages permission', () => {
  test('goes out as a follow-up, and is greyed out when it expires', async () => {
    world = await World.start({ confirmTimeoutSeconds: 5 });
    const w = world;
    w.discord.permissions.sendMessages = false;
    await w.command(admin.id, 'access policy', { action: 'pm-pro.bankruptcy-repay', approvals: 1 });
    const { message } = await w.command(admin.id, 'pm-pro bankruptcy-repay');
    const confirm = w.discord.clickLabel(admin.id, message.id, 'Confirm (then needs approval)');
    const followUp = await w.discord.followUp(confirm);
    expect(followUp.visibleTo).toBeUndefined();
    expect(textOf(followUp)).toContain('Approval needed');
    expect(w.discord.calls.some((call) => call.method === 'POST' && call.path.startsWith('/channels/') && call.status === 403)).toBe(true);
    await w.discord.waitFor(() => /expired/.test(textOf(w.discord.messages.get(followUp.id) ?? followUp)), 'the follow-up to show it expired', 9_000);
    expectNoLiveButtons(w.discord.messages.get(followUp.id) ?? followUp);
    expect(postsSince(w, 0)).toHaveLength(0);
  }, 30_000);
});

describe('restarts', () => {
  test('SIGTERM between the request and the Confirm: the new process runs it once', async () => {
    world = await World.start();
    const since = Date.now();
    const { message } = await world.command(admin.id, 'futures margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    const actionId = actionIdOf(message);
    await world.restart('stop');
    expect(world.bot.lines.some((line) => line.message === 'bot ready')).toBe(true);
    const click = world.discord.clickLabel(admin.id, message.id, 'Confirm');
    const outcome = await world.discord.settled(click, (m) => textOf(m).startsWith('✅'), 'the outcome after the restart');
    expectNoLiveButtons(outcome);
    expect(postsSince(world, since)).toHaveLength(1);
    // The new process reads the state back against the one the first showed (kept in the database).
    expect(await eventsOf(world, actionId)).toEqual(['requested', 'confirmed', 'sent', 'outcome', 'verified']);
    expect(textOf(outcome)).toMatch(/Read back: ETHUSDT is CROSSED → ETHUSDT is ISOLATED/);
    expect(world.discord.gateway.identified).toBe(2);
  }, 60_000);

  test('SIGKILL between the request and the Confirm, past the expiry: the click says expired', async () => {
    world = await World.start({ confirmTimeoutSeconds: 5 });
    const since = Date.now();
    const { message } = await world.command(admin.id, 'pm-pro auto-repay-futures', { enabled: true });
    const actionId = actionIdOf(message);
    await world.bot.kill();
    await new Promise((resolve) => setTimeout(resolve, 5_200));
    await world.restart('kill');
    const click = world.discord.clickLabel(admin.id, message.id, 'Confirm');
    const answer = await world.discord.settled(click, (m) => /expired/.test(textOf(m)), 'the click to say expired');
    expectNoLiveButtons(answer);
    expect(postsSince(world, since)).toHaveLength(0);
    const events = await eventsOf(world, actionId);
    expect(events[0]).toBe('requested');
    expect(events.filter((event) => event === 'expired')).toHaveLength(1);
    expect(events).not.toContain('sent');
  }, 60_000);

  test('SIGKILL while Binance is answering: after the restart the log says sent, outcome UNKNOWN; nothing re-sent', async () => {
    world = await World.start({ binanceTimeoutMs: 5_000 });
    const w = world;
    const since = Date.now();
    w.binance.failNext('/sapi/v1/portfolio/repay', { kind: 'delay', ms: 3_000 });
    const { message } = await w.command(admin.id, 'pm-pro bankruptcy-repay');
    const actionId = actionIdOf(message);
    w.discord.clickLabel(admin.id, message.id, 'Confirm');
    await w.discord.waitFor(() => postsSince(w, since).length === 1, 'the request to reach Binance');
    await w.bot.kill();
    await w.restart('kill');
    // The killed process stops beating; within about 15 s the new one closes its action.
    const interrupted = await w.bot.waitForLine(
      (line) => line.message === 'an action was interrupted by the last shutdown' || line.message === 'an action abandoned by another bot process was closed',
      25_000,
    );
    expect(interrupted.actionId).toBe(actionId);
    expect(interrupted.outcome).toBe('unknown');
    // The reconciler then reads Binance back (the repay history) and settles it; nothing is re-sent.
    const rows = await waitForRows(w, actionId, (found) => found.some((row) => row.event === 'reconciled'));
    expect(postsSince(w, since)).toHaveLength(1);
    expect(rows.map((row) => row.event)).toEqual(['requested', 'confirmed', 'sent', 'outcome', 'reconciled']);
    expect(rows[3]?.outcome_kind).toBe('unknown');
    expect(rows[4]).toMatchObject({ outcome_kind: 'executed', detail: expect.stringMatching(/repay history: 1,234 USDT repaid at/) });
    // /status lists only UNKNOWN outcomes nobody settled: this one is no longer there.
    const status = await w.command(admin.id, 'status');
    expect(textOf(status.message)).toMatch(/Unresolved UNKNOWN outcomes \(0; [^)]*\): None\./);
  }, 60_000);
});

describe('dry-run (BINANCE_DRY_RUN=true)', () => {
  test('the whole flow runs, the signed request is built, nothing is sent, the log marks it', async () => {
    world = await World.start({ dryRun: true });
    const since = Date.now();
    const { confirmation, actionId, outcome } = await requestAndConfirm(world, admin.id, 'pm repay-debt', { asset: 'BTC', amount: '0.25' });
    expect(textOf(shownConfirmation(confirmation))).toMatch(/DRY-RUN|dry-run/);
    expect(textOf(outcome)).toContain('🧪 DRY-RUN');
    expect(textOf(outcome)).toMatch(/asset=BTC&amount=0\.25&recvWindow=5000&timestamp=\d{13}&signature=…/);
    expect(colourOf(outcome)).toBe(COLOURS.dryRun);
    expect(postsSince(world, since)).toHaveLength(0);
    const rows = await rowsOf(world, actionId);
    // No 'sent' row: nothing left the bot.
    expect(rows.map((row) => row.event)).toEqual(['requested', 'confirmed', 'outcome']);
    expect(rows.at(-1)?.outcome_kind).toBe('dry-run');
    expect(rows.at(-1)?.request_json).toContain('/papi/v1/margin/repay-debt');
    expect(rows.every((row) => row.dry_run === 1)).toBe(true);
  }, 60_000);
});

describe('autocomplete when Binance is slow', () => {
  test('answers within 3 s with nothing, then with the balances once Binance answers again', async () => {
    world = await World.start();
    world.binance.failNext('/papi/v1/balance', { kind: 'delay', ms: 4_000 });
    const slow = world.discord.autocomplete(admin.id, 'pm repay-debt', { asset: '' }, 'asset');
    await world.discord.acknowledged(slow, 3_000);
    expect((slow.callbacks[0]?.at ?? Infinity) - slow.dispatchedAt).toBeLessThan(3_000);
    expect(slow.choices).toEqual([]);
    expect(slow.rejected).toEqual([]);

    // The slow fetch gives up at BINANCE_TIMEOUT_MS (1.5 s here); the next keystroke fetches again.
    await world.bot.waitForLine((line) => line.message === 'autocomplete refresh failed');
    const after = world.discord.autocomplete(admin.id, 'pm repay-debt', { asset: '' }, 'asset');
    await world.discord.acknowledged(after, 3_000);
    expect(after.choices?.map((choice) => choice.value)).toEqual(expect.arrayContaining(['BTC', 'USDT', 'BNB']));
    expect(String(after.choices?.[0]?.name)).toMatch(/borrowed/);
  }, 30_000);
});
