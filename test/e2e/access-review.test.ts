// Review of issue 11 (attack, end to end through the real bot process and the
// local Discord; run under `flock /work/.test.lock`): a delegated admin's
// proposal to CAP an approver ("mallory may approve at most 1 BNB") is shown
// to the checker as "grant … as **requester** (caps: 1 BNB per request)"; once
// approved, the approver has become a requester and, with no approval policy,
// repays alone. FAILS today: the repay reaches Binance.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buttonsOf, textOf } from '../emulators/discord/index.ts';
import { channelPost, isSettled, postsSince } from './support.ts';
import { USERS, World } from './world.ts';

const { admin, alice, bob, mallory } = USERS;
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
