// The insider attacks of issue 11, each played as the attack through the real
// discord.js client against the local Discord and the real bot process: what
// Discord showed, that nothing reached Binance, and the log rows that tell the
// story. desk-admin is the root admin (BOT_ADMIN_IDS); alice and bob are
// delegated admins (access.admin granted by the root); dave is a sock account.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buttonsOf, textOf } from '../emulators/discord/index.ts';
import { actionIdOf, channelPost, channelPosts, current, expectEphemeralTo, expectNoLiveButtons, postsSince, rowsOf, rowsSince, settle } from './support.ts';
import { USERS, World } from './world.ts';
import { openStore } from '../../src/store/index.ts';

const { admin, alice, bob, mallory, dave } = USERS;

let world: World;

beforeAll(async () => {
  world = await World.start({ heartbeatIntervalMs: 500 });
  for (const user of [alice, bob]) await applied(admin.id, 'access grant', { user: user.id, action: 'access.admin' });
}, 60_000);

const announced = new Set<string>();

/**
 * A change that applies at once: its answer, and its announcement in the
 * channel (posted just after the answer), waited for so that a later test's
 * `since` does not catch it. Announcements arrive in order: each call takes
 * the next one not taken yet.
 */
async function applied(userId: string, command: string, options: Readonly<Record<string, string | number>>) {
  const before = Date.now();
  const { message } = await world.command(userId, command, options);
  expect(textOf(message)).toMatch(/^Done: /);
  const announcement = await world.discord.waitFor(
    () => channelPosts(world, before, /^🔐 Access changed/).find((post) => !announced.has(post.id)),
    `the announcement of /${command}`,
  );
  announced.add(announcement.id);
  return { message, announcement };
}

afterAll(async () => {
  await world?.close();
});

/** The Approve / Reject message a proposal posted in the channel. */
function proposalPost(since: number) {
  return channelPost(world, since, /^Access proposal|^Proposal: release/, 'the proposal in the channel');
}

async function grantsOf(userId: string): Promise<Array<{ action_key: string; role: string }>> {
  return world.rows('SELECT action_key, role FROM grants WHERE user_id = ? ORDER BY action_key', [userId]);
}

describe('changing access: one insider cannot do it alone', () => {
  test('the self-grant: a delegated admin granting themselves is refused, and so is a root admin', async () => {
    const since = Date.now();
    const own = await world.command(alice.id, 'access grant', { user: alice.id, action: 'pm.repay-debt', asset: 'BTC', 'max-amount': '1000' });
    expectEphemeralTo(own.message, alice.id);
    expect(textOf(own.message)).toMatch(/^Refused: nobody may grant to, revoke from or cap themselves \(root admins included\)/);
    const root = await world.command(admin.id, 'access grant', { user: admin.id, action: 'pm.repay-debt' });
    expect(textOf(root.message)).toMatch(/^Refused: nobody may grant to/);
    const revoke = await world.command(alice.id, 'access revoke', { user: alice.id, action: 'access.admin' });
    expect(textOf(revoke.message)).toMatch(/^Refused: nobody may/);

    expect(await grantsOf(alice.id)).toEqual([{ action_key: 'access.admin', role: 'requester' }]);
    expect(channelPosts(world, since, /proposal|Access changed/i).map((m) => textOf(m))).toEqual([]);
    expect(postsSince(world, since)).toHaveLength(0);
    const rows = await rowsSince(world, since);
    expect(rows.map((row) => [row.event, row.user_id, row.detail])).toEqual([
      ['refused', alice.id, 'a change to their own access'],
      ['refused', admin.id, 'a change to their own access'],
      ['refused', alice.id, 'a change to their own access'],
    ]);
  });

  test('the sock account: access.admin granted by a delegated admin needs a root admin, and its target cannot approve it', async () => {
    const since = Date.now();
    const proposed = await world.command(alice.id, 'access grant', { user: dave.id, action: 'access.admin' });
    expect(textOf(proposed.message)).toMatch(/^Proposed: grant `access.admin` to <@\d+> as requester .*Nothing changes until a different admin/s);
    const post = await proposalPost(since);
    expect(textOf(post)).toContain(`<@${alice.id}> proposes: **grant \`access.admin\` to <@${dave.id}>`);
    expect(textOf(post)).toMatch(/needs a root admin \(BOT_ADMIN_IDS\) to approve/);
    expect(buttonsOf(post).map((button) => [button.label, button.disabled])).toEqual([
      ['Approve', false],
      ['Reject', false],
    ]);

    const bySock = world.discord.clickLabel(dave.id, post.id, 'Approve');
    expect(textOf(await world.discord.followUp(bySock))).toMatch(/This change is about you, so you cannot approve it/);
    const byMaker = world.discord.clickLabel(alice.id, post.id, 'Approve');
    expect(textOf(await world.discord.followUp(byMaker))).toMatch(/You proposed this change, so you cannot approve it/);
    const byColleague = world.discord.clickLabel(bob.id, post.id, 'Approve');
    const refused = await world.discord.followUp(byColleague);
    expectEphemeralTo(refused, bob.id);
    expect(textOf(refused)).toMatch(/Granting `access.admin` needs a root admin \(BOT_ADMIN_IDS\) as the proposer or the approver/);
    // Still open, still nothing granted; the sock cannot act as an admin.
    expect(buttonsOf(current(world, post)).every((button) => !button.disabled)).toBe(true);
    expect(await grantsOf(dave.id)).toEqual([]);
    expect(textOf((await world.command(dave.id, 'access grant', { user: mallory.id, action: 'pm.repay-debt' })).message)).toMatch(/^Refused: you have not been granted `access.admin`/);

    // The root admin turns it down.
    const reject = world.discord.clickLabel(admin.id, post.id, 'Reject');
    const closed = await world.discord.settled(reject, (message) => /Rejected by desk-admin; nothing changed/.test(textOf(message)), 'the proposal to show it was rejected');
    expectNoLiveButtons(closed);
    expect(postsSince(world, since)).toHaveLength(0);
    const proposalId = buttonsOf(post)[0]?.customId.split(':')[2] ?? '';
    expect((await rowsOf(world, proposalId)).map((row) => [row.event, row.user_id, row.action_key])).toEqual([
      ['proposed', alice.id, 'access.admin'],
      // dave (the sock) holds no grant yet: his click is counted, not logged.
      ['refused', alice.id, 'access.admin'],
      ['refused', bob.id, 'access.admin'],
      ['rejected', admin.id, 'access.admin'],
    ]);
    expect((await rowsOf(world, proposalId)).at(-1)?.detail).toBe('as a root admin (BOT_ADMIN_IDS)');
  });

  test('the policy lowered and restored around a solo action: the lowering is only a proposal, the action still needs a second person', async () => {
    await applied(admin.id, 'access grant', { user: alice.id, action: 'pm-pro.bankruptcy-repay' });
    await applied(admin.id, 'access policy', { action: 'pm-pro.bankruptcy-repay', approvals: 1 });
    const since = Date.now();

    const lower = await world.command(alice.id, 'access policy', { action: 'pm-pro.bankruptcy-repay', approvals: 0 });
    expect(textOf(lower.message)).toMatch(/^Proposed: let `pm-pro.bankruptcy-repay` run on its requester's confirmation alone/);
    const proposal = await proposalPost(since);

    const { message } = await world.command(alice.id, 'pm-pro bankruptcy-repay', { from: 'MARGIN' });
    expect(textOf(message)).toMatch(/a second person who holds this action must approve it/);
    const actionId = actionIdOf(message);
    const confirm = world.discord.clickLabel(alice.id, message.id, 'Confirm (then needs approval)');
    await world.discord.settled(confirm, (m) => /Waiting for approval/.test(textOf(m)), 'the request to wait for a second person');

    const restore = await world.command(alice.id, 'access policy', { action: 'pm-pro.bankruptcy-repay', approvals: 1 });
    expect(textOf(restore.message)).toMatch(/^Done: require a second person to approve `pm-pro.bankruptcy-repay`/);
    expect(await world.rows('SELECT approvals FROM policies WHERE action_key = ?', ['pm-pro.bankruptcy-repay'])).toEqual([{ approvals: 1 }]);

    // Nothing reached Binance; the log has no policy row from alice's lowering, only the proposal.
    await settle();
    expect(postsSince(world, since)).toHaveLength(0);
    const rows = await rowsSince(world, since);
    expect(rows.filter((row) => row.event === 'policy').map((row) => [row.user_id, JSON.parse(row.params_json ?? '{}').approvals])).toEqual([[alice.id, 1]]);
    expect(rows.filter((row) => row.event === 'proposed').map((row) => row.user_id)).toEqual([alice.id]);
    expect((await rowsOf(world, actionId)).map((row) => row.event)).toEqual(['requested', 'confirmed']);

    // Tidy up: alice withdraws both.
    const withdraw = world.discord.clickLabel(alice.id, proposal.id, 'Reject');
    await world.discord.settled(withdraw, (m) => /withdrawn by its proposer/.test(textOf(m)), 'the proposal withdrawn');
    const request = await channelPost(world, since, /^Approval needed: \/pm-pro bankruptcy-repay/);
    const cancel = world.discord.clickLabel(alice.id, request.id, 'Reject');
    await world.discord.settled(cancel, (m) => /Cancelled/.test(textOf(m)), 'the request withdrawn');
  });

  test('the policy change while an action is on screen: the rule it was requested under holds', async () => {
    await applied(admin.id, 'access grant', { user: alice.id, action: 'futures.margin-type' });
    await applied(admin.id, 'access policy', { action: 'futures.margin-type', approvals: 1 });
    const since = Date.now();
    const { message } = await world.command(alice.id, 'futures margin-type', { symbol: 'SOLUSDT', 'margin-type': 'ISOLATED' });
    const actionId = actionIdOf(message);
    const lowered = await applied(admin.id, 'access policy', { action: 'futures.margin-type', approvals: 0 });
    expect(textOf(lowered.message)).toMatch(/^Done: let `futures.margin-type` run on its requester's confirmation alone.*Requests already on screen keep the rule/s);
    // A root's change applies at once, and is announced to the channel.
    expect(textOf(lowered.announcement)).toContain(`<@${admin.id}> (root admin) applied: let \`futures.margin-type\` run on its requester's confirmation alone`);

    const confirm = world.discord.clickLabel(alice.id, message.id, 'Confirm (then needs approval)');
    const waiting = await world.discord.settled(confirm, (m) => /Waiting for approval/.test(textOf(m)), 'the request to still need a second person');
    expectNoLiveButtons(waiting);
    await settle();
    expect(postsSince(world, since)).toHaveLength(0);
    const rows = await rowsOf(world, actionId);
    expect(rows.map((row) => row.event)).toEqual(['requested', 'confirmed']);
    expect(rows.at(-1)?.detail).toMatch(/required when it was requested; the policy was lowered since/);
    const request = await channelPost(world, since, /^Approval needed: \/futures margin-type/);
    await world.discord.settled(world.discord.clickLabel(alice.id, request.id, 'Reject'), (m) => /Cancelled/.test(textOf(m)));
  });
});

describe('roles: requesters and approvers', () => {
  test('an approver trying to request is refused, and nothing is stored', async () => {
    const granted = await applied(admin.id, 'access grant', { user: bob.id, action: 'pm.repay-negative-balance', role: 'approver' });
    expect(textOf(granted.message)).toMatch(/^Done: grant `pm.repay-negative-balance` to <@\d+> as approver /);
    expect(textOf(granted.message)).toMatch(/carries no amount, so it cannot be capped: to limit it, require a second person with `\/access policy action:pm.repay-negative-balance approvals:1`/);
    const since = Date.now();
    const { message } = await world.command(bob.id, 'pm repay-negative-balance');
    expectEphemeralTo(message, bob.id);
    expect(textOf(message)).toMatch(/^Refused: you hold `pm.repay-negative-balance` as an approver: you may approve or reject other people's requests, not make one\. Nothing was sent\./);
    expectNoLiveButtons(message);
    expect(postsSince(world, since)).toHaveLength(0);
    expect(await world.rows('SELECT id FROM pending_actions WHERE created_at >= ?', [since])).toEqual([]);
    expect((await rowsSince(world, since)).map((row) => [row.event, row.user_id, row.action_key])).toEqual([['refused', bob.id, 'pm.repay-negative-balance']]);
  });

  test('a requester of another action trying to approve (or veto) is refused; the approver rejects, on the record', async () => {
    await applied(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-negative-balance' });
    await applied(admin.id, 'access grant', { user: mallory.id, action: 'futures.margin-type' });
    await applied(admin.id, 'access policy', { action: 'pm.repay-negative-balance', approvals: 1 });
    const since = Date.now();
    const { message } = await world.command(alice.id, 'pm repay-negative-balance');
    const actionId = actionIdOf(message);
    await world.discord.settled(world.discord.clickLabel(alice.id, message.id, 'Confirm (then needs approval)'), (m) => /Waiting for approval/.test(textOf(m)));
    const request = await channelPost(world, since, /^Approval needed: \/pm repay-negative-balance/);
    expect(textOf(request)).toMatch(/Who may approve: Anyone but alice who holds `pm.repay-negative-balance` \(as requester or approver\)/);

    const approve = world.discord.clickLabel(mallory.id, request.id, 'Approve');
    expect(textOf(await world.discord.followUp(approve))).toMatch(/^Refused: you have not been granted `pm.repay-negative-balance`/);
    const veto = world.discord.clickLabel(mallory.id, request.id, 'Reject');
    expect(textOf(await world.discord.followUp(veto))).toMatch(/Only someone who holds `pm.repay-negative-balance` \(as requester or approver\) can reject/);
    expect(buttonsOf(current(world, request)).every((button) => !button.disabled)).toBe(true);
    expect(postsSince(world, since)).toHaveLength(0);

    const reject = world.discord.clickLabel(bob.id, request.id, 'Reject');
    const closed = await world.discord.settled(reject, (m) => /Rejected by bob/.test(textOf(m)), 'the approver’s rejection');
    expectNoLiveButtons(closed);
    expect(postsSince(world, since)).toHaveLength(0);
    expect((await rowsOf(world, actionId)).map((row) => [row.event, row.user_id, row.detail?.replace(/:.*/, '') ?? null])).toEqual([
      ['requested', alice.id, null],
      ['confirmed', alice.id, 'waiting for a second person to approve'],
      ['refused', mallory.id, 'approval'],
      ['refused', mallory.id, 'reject'],
      ['rejected', bob.id, 'as approver of `pm.repay-negative-balance`'],
    ]);
    await applied(admin.id, 'access policy', { action: 'pm.repay-negative-balance', approvals: 0 });
  });
});

describe('caps that mean what they say', () => {
  test('a * cap is refused with the reason; an amount-less action cannot be capped', async () => {
    const since = Date.now();
    const star = await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-debt', asset: '*', 'max-amount': '100' });
    expect(textOf(star.message)).toMatch(/`asset` cannot be `\*`: a cap names one asset, so that "100" cannot mean 100 USDT and 100 BTC alike/);
    const noAsset = await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-debt', 'daily-max': '5' });
    expect(textOf(noAsset.message)).toMatch(/`asset` is required with `max-amount` and `daily-max`/);
    const amountless = await world.command(admin.id, 'access grant', { user: alice.id, action: 'pm-pro.bankruptcy-repay', asset: 'USDT', 'max-amount': '5' });
    expect(textOf(amountless.message)).toMatch(/carries no amount, so it cannot be capped.*approvals:1/s);
    expect((await rowsSince(world, since)).filter((row) => row.event === 'grant')).toEqual([]);
  });

  test("an older version's '*' cap fails closed: amounts under it are refused until an admin re-grants with a named asset", async () => {
    // As migration 6 leaves a database that had one: the grant moved to account '*', the cap kept as it was,
    // and the log row the older version wrote for it (the bot refuses a grant its log does not explain).
    const older = await openStore(world.dbPath);
    try {
      await older.log.append({ event: 'grant', actionKey: 'pm.repay-debt', userId: admin.id, userTag: 'desk-admin', params: { user: dave.id, action: 'pm.repay-debt', limit: { asset: '*', maxAmount: '100' } } });
    } finally {
      await older.close();
    }
    await world.rows("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, 'pm.repay-debt', '*', 'requester', ?, 0)", [dave.id, admin.id]);
    await world.rows("INSERT INTO grant_caps (user_id, action_key, account, asset, max_amount) VALUES (?, 'pm.repay-debt', '*', '*', '100')", [dave.id]);
    const since = Date.now();
    const { message } = await world.command(dave.id, 'pm repay-debt', { asset: 'USDT', amount: '1' });
    expect(textOf(message)).toMatch(/^Refused: your grant of `pm.repay-debt` carries a cap on "every asset" \(\*\) from an older version of the bot, which no longer counts as a cap; an admin must re-grant it with a named asset/);
    const list = await world.command(admin.id, 'access list', { user: dave.id });
    expect(textOf(list.message)).toContain('`pm.repay-debt` as requester (caps: ⚠️ legacy cap on every asset (100): refused until re-granted with a named asset)');

    // A re-grant that names no asset (to confirm the role) keeps the legacy cap, and says so: amounts stay refused.
    const confirmRole = await applied(admin.id, 'access grant', { user: dave.id, action: 'pm.repay-debt', role: 'requester' });
    expect(textOf(confirmRole.message)).toMatch(/keeps the legacy cap on every asset \(\*\).*amounts stay refused until it is re-granted with a named asset/s);
    expect(textOf(confirmRole.announcement)).toMatch(/keeps the legacy cap on every asset/);
    const still = await world.command(dave.id, 'pm repay-debt', { asset: 'USDT', amount: '1000' });
    expect(textOf(still.message)).toMatch(/^Refused: your grant of `pm.repay-debt` carries a cap on "every asset"/);

    const regrant = await applied(admin.id, 'access grant', { user: dave.id, action: 'pm.repay-debt', asset: 'USDT', 'max-amount': '50' });
    expect(textOf(regrant.message)).toContain('USDT: refused (legacy cap on every asset) → 50 USDT per request');
    expect(textOf(regrant.message)).toMatch(/Legacy cap on every asset \(\*\), which refuses every amount: removed \(replaced by named caps\)/);
    expect(textOf(regrant.message)).not.toMatch(/keeps the legacy cap/);
    const after = await world.command(dave.id, 'pm repay-debt', { asset: 'USDT', amount: '1' });
    expect(buttonsOf(after.message).map((button) => button.label)).toEqual(['Confirm', 'Cancel']);
    await world.discord.settled(world.discord.clickLabel(dave.id, after.message.id, 'Cancel'), (m) => /Cancelled/.test(textOf(m)));
    expect(postsSince(world, since)).toHaveLength(0);
    expect((await rowsSince(world, since)).map((row) => [row.event, row.user_id])).toEqual([
      ['refused', dave.id],
      ['grant', admin.id],
      ['refused', dave.id],
      ['grant', admin.id],
      ['requested', dave.id],
      ['cancelled', dave.id],
    ]);
    await applied(admin.id, 'access revoke', { user: dave.id, action: 'pm.repay-debt' });
  });

  test('a daily cap reached by two requests under the per-request cap: the second click is refused with the figures', async () => {
    const granted = await applied(admin.id, 'access grant', { user: alice.id, action: 'pm.repay-debt', asset: 'bnb', 'max-amount': '1', 'daily-max': '1.5' });
    expect(textOf(granted.message)).toMatch(/caps: 1 BNB per request, 1.5 BNB per 24 h/);
    const since = Date.now();
    const first = await world.command(alice.id, 'pm repay-debt', { asset: 'BNB', amount: '0.8' });
    const second = await world.command(alice.id, 'pm repay-debt', { asset: 'BNB', amount: '0.8' });
    for (const { message } of [first, second]) {
      expect(textOf(message)).toContain('📊 Your daily cap: 1.5 BNB per rolling 24 hours; spent or in flight: 0 BNB; left: 1.5 BNB, 0.7 BNB after this one.');
    }
    const done = world.discord.clickLabel(alice.id, first.message.id, 'Confirm');
    await world.discord.settled(done, (m) => textOf(m).startsWith('✅'), 'the first repay');

    const over = world.discord.clickLabel(alice.id, second.message.id, 'Confirm');
    const refused = await world.discord.settled(over, (m) => /daily cap/.test(textOf(m)) && buttonsOf(m).every((b) => b.disabled), 'the second click refused');
    expect(textOf(refused)).toContain(
      'Refused: 0.8 BNB would take your rolling 24-hour total of `pm.repay-debt` to 1.6 BNB, above your daily cap of 1.5 BNB (already spent or in flight: 0.8 BNB; left: 0.7 BNB). The request is closed and nothing was sent.',
    );
    const third = await world.command(alice.id, 'pm repay-debt', { asset: 'BNB', amount: '0.8' });
    expect(textOf(third.message)).toMatch(/^Refused: 0.8 BNB would take your rolling 24-hour total .* to 1.6 BNB.*Nothing was sent\./s);

    await settle();
    const posts = postsSince(world, since);
    expect(posts.map((post) => post.totalParams.replace(/&recvWindow.*/, ''))).toEqual(['asset=BNB&amount=0.8']);
    expect((await rowsOf(world, actionIdOf(second.message))).map((row) => row.event)).toEqual(['requested', 'refused']);
    const refusals = (await rowsSince(world, since)).filter((row) => row.event === 'refused').map((row) => row.detail);
    expect(refusals).toEqual([expect.stringMatching(/to 1.6 BNB, above your daily cap of 1.5 BNB/), expect.stringMatching(/to 1.6 BNB, above your daily cap of 1.5 BNB/)]);
  });
});

describe('a delegated admin’s change, approved by a second person', () => {
  test('applies once, is announced with both names, and the log row names the proposal and both people', async () => {
    const since = Date.now();
    await world.command(alice.id, 'access grant', { user: mallory.id, action: 'audit.read' });
    const post = await proposalPost(since);
    const proposalId = buttonsOf(post)[0]?.customId.split(':')[2] ?? '';
    const approve = world.discord.clickLabel(bob.id, post.id, 'Approve');
    const approved = await world.discord.settled(approve, (m) => /Approved by bob and applied/.test(textOf(m)), 'the proposal approved');
    expectNoLiveButtons(approved);
    const announcement = await channelPost(world, since, /^🔐 Access changed/);
    expect(textOf(announcement)).toContain(`Proposed by <@${alice.id}>, approved by <@${bob.id}> (admin).`);
    expect(await grantsOf(mallory.id)).toEqual([
      { action_key: 'audit.read', role: 'requester' },
      { action_key: 'futures.margin-type', role: 'requester' },
    ]);
    const again = world.discord.clickLabel(admin.id, post.id, 'Approve', { forged: true });
    expect(textOf(await world.discord.followUp(again))).toMatch(/already approved by bob and applied; it applies only once/);
    const rows = await rowsOf(world, proposalId);
    expect(rows.map((row) => [row.event, row.user_id])).toEqual([
      ['proposed', alice.id],
      ['approved', bob.id],
      ['grant', bob.id],
    ]);
    expect(rows.at(-1)?.detail).toBe(`proposal ${proposalId}: proposed by alice (${alice.id}), approved by bob (${bob.id})`);
    expect(JSON.parse(rows.at(-1)?.params_json ?? '{}')).toEqual({ user: mallory.id, action: 'audit.read', account: '*', role: 'requester', caps: [] });
  });
});
