// Issue 11's review, end to end through the real bot process and the local
// Discord (run under `flock /work/.test.lock`). First the review's own attack:
// a delegated admin's proposal to CAP an approver ("mallory may approve at
// most 1 BNB") was shown to the checker as "grant … as **requester**"; once
// approved, the approver had become a requester and repaid alone (the repay
// reached Binance). A re-grant now keeps the role, and the proposal shows
// BEFORE → AFTER. Then the review's other findings that run through Discord.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buttonsOf, textOf } from '../emulators/discord/index.ts';
import { channelPost, channelPosts, current, expectNoLiveButtons, isSettled, postsSince, rowsOf, rowsSince, settle } from './support.ts';
import { USERS, World } from './world.ts';

const { admin, alice, bob, mallory, dave } = USERS;
let world: World;

beforeAll(async () => {
  world = await World.start({ heartbeatIntervalMs: 500 });
  for (const user of [alice, bob]) await world.command(admin.id, 'access grant', { user: user.id, action: 'access.admin' });
  await world.command(admin.id, 'access grant', { user: mallory.id, action: 'pm.repay-debt', role: 'approver' });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

test('capping what an approver may approve does not let them request', async () => {
  const since = Date.now();
  const proposed = await world.command(alice.id, 'access grant', { user: mallory.id, action: 'pm.repay-debt', asset: 'BNB', 'max-amount': '1' });
  expect(textOf(proposed.message)).toMatch(/^Proposed: /);
  const post = await channelPost(world, since, /^Access proposal/, 'the proposal in the channel');
  // What bob is asked to approve: the resulting grant only; nothing says "approver → requester".
  const shown = textOf(post);
  const approve = world.discord.clickLabel(bob.id, post.id, 'Approve');
  await world.discord.settled(approve, (message) => /Approved by bob and applied/.test(textOf(message)), 'the proposal applied');

  // mallory, who was only ever meant to approve, asks for a repay and confirms it alone.
  const { message } = await world.command(mallory.id, 'pm repay-debt', { asset: 'BNB', amount: '1' });
  if (buttonsOf(message).some((button) => button.label === 'Confirm' && !button.disabled)) {
    const click = world.discord.clickLabel(mallory.id, message.id, 'Confirm');
    await world.discord.settled(click, isSettled, 'the outcome of the repay');
  }
  expect(postsSince(world, since).map((request) => request.path)).toEqual([]);
  expect(textOf(message)).toMatch(/^Refused: you hold `pm.repay-debt` as an approver/);
  expect(shown).toMatch(/approver/);
  expect(await world.rows('SELECT role FROM grants WHERE user_id = ? AND action_key = ?', [mallory.id, 'pm.repay-debt'])).toEqual([{ role: 'approver' }]);
});

// The rest of issue 11's review, end to end (after the test above, mallory holds
// pm.repay-debt as an approver; alice and bob are delegated admins; dave holds nothing).

/** The opaque id a proposal's buttons carry. */
function proposalIdOf(post: Parameters<typeof buttonsOf>[0]): string {
  return buttonsOf(post)[0]?.customId.split(':')[2] ?? '';
}

test("a root's revoke that finds nothing answers so, and nothing is announced or logged as a revoke", async () => {
  const since = Date.now();
  const { message } = await world.command(admin.id, 'access revoke', { user: dave.id, action: 'pm.repay-debt' });
  expect(textOf(message)).toMatch(/had no grant of `pm.repay-debt`; nothing was removed and nothing is announced/);
  await settle(300);
  expect(channelPosts(world, since, /Access changed/)).toEqual([]);
  expect((await rowsSince(world, since)).filter((row) => row.event === 'revoke')).toEqual([]);
});

test('the freeze: someone with no grant learns only that; a revoke proposal survives it and is approved during it, a grant proposal is closed', async () => {
  const since = Date.now();
  await world.command(alice.id, 'access revoke', { user: mallory.id, action: 'pm.repay-debt' });
  const revokePost = await channelPost(world, since, /^Access proposal.*revoke `pm.repay-debt`/s, 'the revoke proposal');
  expect(textOf(revokePost)).toContain('• Before: approver, with caps on BNB');
  expect(textOf(revokePost)).toContain('• After: no grant');
  const grantSince = Date.now();
  await world.command(alice.id, 'access grant', { user: dave.id, action: 'audit.read' });
  const grantPost = await channelPost(world, grantSince, /^Access proposal.*grant `audit.read`/s, 'the grant proposal');

  const { message: frozen } = await world.command(bob.id, 'freeze on', { reason: 'suspected API key leak' });
  expect(textOf(frozen)).toMatch(/1 proposal\(s\) were closed/);
  expect(textOf(frozen)).toMatch(/1 proposal\(s\) that only take rights away stay open/);
  const greyed = await world.discord.waitFor(() => {
    const now = current(world, grantPost);
    return /frozen by bob: suspected API key leak/.test(textOf(now)) ? now : undefined;
  }, 'the grant proposal closed by the freeze');
  expectNoLiveButtons(greyed);
  expect(buttonsOf(current(world, revokePost)).every((button) => !button.disabled)).toBe(true);

  // Someone with no grant asks for money to move: told they hold no grant, not who froze the bot or why.
  const outsider = await world.command(dave.id, 'pm repay-debt', { asset: 'BNB', amount: '1' });
  expect(textOf(outsider.message)).toMatch(/^Refused: you have not been granted `pm.repay-debt`/);
  expect(textOf(outsider.message)).not.toMatch(/key leak|frozen by/);

  // The desk takes the right away during the incident.
  const approve = world.discord.clickLabel(admin.id, revokePost.id, 'Approve');
  await world.discord.settled(approve, (m) => /Approved by desk-admin and applied/.test(textOf(m)), 'the revoke approved during the freeze');
  expect(await world.rows('SELECT * FROM grants WHERE user_id = ? AND action_key = ?', [mallory.id, 'pm.repay-debt'])).toEqual([]);
  expect((await rowsOf(world, proposalIdOf(revokePost))).map((row) => [row.event, row.user_id])).toEqual([
    ['proposed', alice.id],
    ['approved', admin.id],
    ['revoke', admin.id],
  ]);
  expect((await rowsOf(world, proposalIdOf(grantPost))).map((row) => [row.event, row.detail])).toEqual([
    ['proposed', null],
    ['cancelled', 'frozen by bob: suspected API key leak'],
  ]);
  // dave holds no grant at all: his refusal is counted per minute, not logged (issue 12's hygiene).
  expect((await rowsSince(world, since)).filter((row) => row.event === 'refused')).toEqual([]);
  await settle(1_200);
  expect(await world.rows('SELECT user_id, kind FROM refusal_counts WHERE user_id = ?', [dave.id])).toEqual([{ user_id: dave.id, kind: 'refused' }]);
  const { message: released } = await world.command(admin.id, 'freeze off', {});
  expect(textOf(released)).toMatch(/^🟢 Released/);
  expect(postsSince(world, since)).toEqual([]);
});

test("a proposal whose proposer lost access.admin is greyed out at the next sweep with why, and nothing changes", async () => {
  const since = Date.now();
  await world.command(alice.id, 'access grant', { user: dave.id, action: 'audit.read' });
  const post = await channelPost(world, since, /^Access proposal/, 'the proposal');
  const { message } = await world.command(admin.id, 'access revoke', { user: alice.id, action: 'access.admin' });
  expect(textOf(message)).toMatch(/^Done: revoke `access.admin` from/);
  const closed = await world.discord.waitFor(() => {
    const now = current(world, post);
    return /no longer holds `access.admin`/.test(textOf(now)) ? now : undefined;
  }, 'the proposal closed by the sweep', 5_000);
  expectNoLiveButtons(closed);
  expect(textOf(closed)).toContain('Closed (alice, who proposed it, no longer holds `access.admin`); nothing changed.');
  expect(await world.rows('SELECT * FROM grants WHERE user_id = ?', [dave.id])).toEqual([]);
  expect((await rowsOf(world, proposalIdOf(post))).map((row) => [row.event, row.user_id, row.detail])).toEqual([
    ['proposed', alice.id, null],
    ['cancelled', alice.id, 'alice, who proposed it, no longer holds `access.admin`'],
  ]);
});
