// The emergency stop end to end, with TWO bot processes on one database and
// one token (as a desk running two instances): the freeze engaged through one
// process closes the confirmation the other one is showing, both refuse, and
// the release needs two people. Each step checks what Discord showed, that
// nothing reached Binance, and the log rows.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buttonsOf, textOf } from '../emulators/discord/index.ts';
import { actionIdOf, channelPost, current, expectEphemeralTo, expectNoLiveButtons, postsSince, rowsOf, rowsSince, settle } from './support.ts';
import { USERS, World } from './world.ts';

const { admin, alice, bob, mallory, dave } = USERS;
/** The gateway sessions of the two bot processes. */
const FIRST = { session: 0 };
const SECOND = { session: 1 };

let world: World;

beforeAll(async () => {
  world = await World.start({ heartbeatIntervalMs: 500 });
  await world.startAnotherBot();
  await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-negative-balance' });
  await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm-pro.auto-repay-futures' });
  await world.command(admin.id, 'access policy', { action: 'pm-pro.auto-repay-futures', approvals: 1 });
  await world.command(admin.id, 'access grant', { user: mallory.id, action: 'audit.read' });
  for (const user of [bob, dave]) await world.command(admin.id, 'access grant', { user: user.id, action: 'access.admin' });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

describe('the freeze, with two bot processes on one database', () => {
  test('engaged through one process mid-confirmation: everything waiting is greyed out, and both processes refuse the click and new requests', async () => {
    const since = Date.now();
    // alice's confirmation is shown by the first process…
    const { message } = await world.command(alice.id, 'pm repay-negative-balance', {}, FIRST);
    const actionId = actionIdOf(message);
    // …and so is her two-person request, now waiting for approval in the channel;
    const { message: waiting } = await world.command(alice.id, 'pm-pro auto-repay-futures', { enabled: true }, FIRST);
    await world.discord.settled(world.discord.clickLabel(alice.id, waiting.id, 'Confirm (then needs approval)', FIRST), (m) => /Waiting for approval/.test(textOf(m)));
    const approvalRequest = await channelPost(world, since, /^Approval needed/);
    // and dave's access proposal is open.
    await world.command(dave.id, 'access grant', { user: alice.id, action: 'audit.read' }, SECOND);
    const proposal = await channelPost(world, since, /^Access proposal/);

    // mallory (who holds only audit.read) pulls the emergency stop through the second process.
    const { message: answer } = await world.command(mallory.id, 'freeze on', { reason: 'suspected key leak' }, SECOND);
    expectEphemeralTo(answer, mallory.id);
    expect(textOf(answer)).toMatch(/^🧊 Frozen\. 2 confirmation\(s\) and 1 proposal\(s\) were closed/);
    const announcement = await channelPost(world, since, /^🧊 FROZEN/);
    expect(textOf(announcement)).toMatch(new RegExp(`<@${mallory.id}> froze the bot <t:\\d+:R>: suspected key leak`));

    // The first process notices within its 1 s sweep and greys out the confirmation it holds.
    const closed = await world.discord.waitFor(() => {
      const now = current(world, message);
      return /frozen by mallory: suspected key leak/.test(textOf(now)) ? now : undefined;
    }, 'the first process to grey out the confirmation', 5_000);
    expect(textOf(closed)).toContain('🧊 Closed: frozen by mallory: suspected key leak. Nothing was sent.');
    expectNoLiveButtons(closed);
    // The approval request and the proposal (channel messages) are greyed out by the process that froze,
    // the requester's "waiting" message by the first one.
    for (const shown of [approvalRequest, proposal, waiting]) {
      const greyed = await world.discord.waitFor(() => {
        const now = current(world, shown);
        return /frozen by mallory: suspected key leak/.test(textOf(now)) ? now : undefined;
      }, `"${textOf(shown).split('\n')[0]}" to be closed by the freeze`, 5_000);
      expectNoLiveButtons(greyed);
    }

    // A stale client clicks Confirm anyway, on the first process: refused, with why.
    const click = world.discord.clickLabel(alice.id, message.id, 'Confirm', { forged: true, ...FIRST });
    const refusal = await world.discord.followUp(click);
    expectEphemeralTo(refusal, alice.id);
    expect(textOf(refusal)).toBe('This action was closed (frozen by mallory: suspected key leak); nothing was sent.');

    // New money-moving requests are refused by both processes, with the reason.
    for (const place of [FIRST, SECOND]) {
      const { message: refused } = await world.command(alice.id, 'pm repay-negative-balance', {}, place);
      expect(textOf(refused)).toMatch(/^Refused: the bot is frozen by mallory: suspected key leak \(since .*\); money-moving commands are refused until .* \/freeze off\. Nothing was sent\./);
    }

    // Read-only commands keep working: /status shows the freeze first, /audit reads the log, autocomplete answers.
    const status = await world.command(admin.id, 'status', {}, FIRST);
    expect(textOf(status.message)).toMatch(new RegExp(`^Bot status: 🧊 FROZEN\\n🧊 \\*\\*FROZEN\\*\\* by <@${mallory.id}> \\(mallory\\) <t:\\d+:R>, at <t:\\d+:f>: suspected key leak`));
    const audit = await world.command(mallory.id, 'audit recent', { limit: 20 }, SECOND);
    expect(textOf(audit.message)).toMatch(/\*\*freeze\*\*/);
    const symbols = world.discord.autocomplete(admin.id, 'futures margin-type', { symbol: 'bt' }, 'symbol', FIRST);
    await world.discord.waitFor(() => symbols.choices, 'autocomplete while frozen');
    expect(symbols.choices?.map((choice) => choice.value)).toEqual(['BTCUSDT']);

    await settle(300);
    expect(postsSince(world, since)).toHaveLength(0);
    expect((await rowsOf(world, actionId)).map((row) => [row.event, row.user_id, row.detail])).toEqual([
      ['requested', alice.id, null],
      ['cancelled', mallory.id, 'frozen by mallory: suspected key leak'],
    ]);
    expect((await rowsOf(world, actionIdOf(approvalRequest))).map((row) => [row.event, row.user_id]).at(-1)).toEqual(['cancelled', mallory.id]);
    const rows = await rowsSince(world, since);
    expect(rows.filter((row) => row.event === 'freeze').map((row) => [row.user_id, row.params_json])).toEqual([[mallory.id, '{"reason":"suspected key leak"}']]);
    expect(rows.filter((row) => row.event === 'refused').map((row) => row.user_id)).toEqual([alice.id, alice.id]);
    expect(await world.rows('SELECT state, closed_reason FROM pending_actions WHERE id = ?', [actionId])).toEqual([
      { state: 'cancelled', closed_reason: 'frozen by mallory: suspected key leak' },
    ]);
  });

  test('a release by one person: an admin alone only proposes it, cannot approve it, and the freeze holds until a second admin approves', async () => {
    const since = Date.now();
    const outsider = await world.command(alice.id, 'freeze off', {}, SECOND);
    expect(textOf(outsider.message)).toMatch(/^Refused: releasing the freeze needs two people/);

    const { message: proposed } = await world.command(bob.id, 'freeze off', {}, SECOND);
    expect(textOf(proposed)).toMatch(/^Proposed: release the freeze\. The freeze holds until a different admin/);
    const post = await channelPost(world, since, /^Proposal: release the freeze/);
    expect(buttonsOf(post).map((button) => button.label)).toEqual(['Approve', 'Reject']);

    const self = world.discord.clickLabel(bob.id, post.id, 'Approve', FIRST);
    expect(textOf(await world.discord.followUp(self))).toMatch(/You proposed this change, so you cannot approve it/);
    const stillFrozen = await world.command(alice.id, 'pm repay-negative-balance', {}, FIRST);
    expect(textOf(stillFrozen.message)).toMatch(/^Refused: the bot is frozen/);
    expect(await world.rows('SELECT reason FROM freeze')).toEqual([{ reason: 'suspected key leak' }]);

    const approve = world.discord.clickLabel(dave.id, post.id, 'Approve', FIRST);
    const approved = await world.discord.settled(approve, (m) => /Approved by dave and applied/.test(textOf(m)), 'the release approved');
    expectNoLiveButtons(approved);
    const released = await channelPost(world, since, /^🟢 Freeze released/);
    expect(textOf(released)).toContain(`Proposed by <@${bob.id}>, approved by <@${dave.id}> (admin).`);
    expect(await world.rows('SELECT reason FROM freeze')).toEqual([]);

    // Money moves again, through either process.
    const { message } = await world.command(alice.id, 'pm repay-negative-balance', {}, SECOND);
    expect(buttonsOf(message).map((button) => button.label)).toEqual(['Confirm', 'Cancel']);
    await world.discord.settled(world.discord.clickLabel(alice.id, message.id, 'Cancel', SECOND), (m) => /Cancelled/.test(textOf(m)));

    expect(postsSince(world, since)).toHaveLength(0);
    const proposalId = buttonsOf(post)[0]?.customId.split(':')[2] ?? '';
    expect((await rowsOf(world, proposalId)).map((row) => [row.event, row.user_id])).toEqual([
      ['proposed', bob.id],
      ['refused', bob.id],
      ['approved', dave.id],
      ['unfreeze', dave.id],
    ]);
    const refusals = (await rowsSince(world, since)).filter((row) => row.event === 'refused' && row.action_id === null);
    expect(refusals.map((row) => [row.user_id, row.detail?.slice(0, 9)])).toEqual([
      [alice.id, 'unfreeze:'],
      [alice.id, 'the bot i'],
    ]);
  });
});
