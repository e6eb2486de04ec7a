// The emergency stop without Discord: what it closes, what it refuses, the
// moment between a claim and the send, a second process on the same database,
// and a release that needs two people.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, createHarness, logChange, type Harness } from '../../test/support/harness.ts';
import { claimed, refusal } from '../../test/support/outcomes.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  for (const [user, action] of [
    [ALICE_ID, 'pm.repay-negative-balance'],
    [BOB_ID, 'pm.repay-negative-balance'],
    [ALICE_ID, 'access.admin'],
    [BOB_ID, 'access.admin'],
  ] as const) {
    await h.putGrant({ userId: user, actionKey: action, account: '*', role: 'requester', caps: [] });
  }
});
afterEach(async () => {
  await h.close();
});

const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const bob = () => h.actor(BOB_ID, 'bob');
const REPAY = 'pm.repay-negative-balance';
const posts = () => h.binance.requests.filter((request) => request.method === 'POST');



describe('engaging the freeze', () => {
  it('closes every confirmation, approval request and proposal that would add a right, in one transaction, logged', async () => {
    const pending = await h.service.request(alice(), h.endpoint(REPAY), {});
    await h.access.policy(admin(), { action: 'futures.margin-type', approvals: 1 });
    await h.putGrant({ userId: ALICE_ID, actionKey: 'futures.margin-type', account: '*', role: 'requester', caps: [] });
    const waiting = await h.service.request(alice(), h.endpoint('futures.margin-type'), { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' });
    await h.service.confirm(alice(), waiting.action.id);
    const proposal = await h.access.policy(alice(), { action: 'futures.margin-type', approvals: 0 });
    expect(proposal.kind).toBe('proposed');

    const engaged = await h.freeze.engage(bob(), 'suspected key leak');
    expect(engaged.actions.map((action) => action.id).sort()).toEqual([pending.action.id, waiting.action.id].sort());
    expect(engaged.proposals).toHaveLength(1);
    for (const id of [pending.action.id, waiting.action.id]) {
      expect(await h.store.pending.get(id)).toMatchObject({ state: 'cancelled', closedReason: 'frozen by bob: suspected key leak' });
    }
    const freezeRow = (await h.store.log.recent({ limit: 10 })).find((row) => row.event === 'freeze');
    expect(freezeRow).toMatchObject({ user_id: BOB_ID, params_json: '{"reason":"suspected key leak"}' });
    expect((await h.store.log.forAction(waiting.action.id)).at(-1)).toMatchObject({ event: 'cancelled', user_id: BOB_ID, detail: 'frozen by bob: suspected key leak' });

    // A late click says why; nothing reaches Binance.
    expect((await refusal(h.service.confirm(alice(), pending.action.id))).message).toBe('This action was closed (frozen by bob: suspected key leak); nothing was sent.');
    expect(posts()).toEqual([]);
  });

  it('refuses new money-moving requests with the reason, and a second freeze', async () => {
    await h.freeze.engage(alice(), 'drill');
    const error = await refusal(h.service.request(bob(), h.endpoint(REPAY), {}));
    expect(error.message).toMatch(/^Refused: the bot is frozen by alice: drill \(since .*\); money-moving commands are refused until a root admin, or two admins, release it with \/freeze off\. Nothing was sent\.$/);
    expect((await h.store.log.recent({ limit: 1 }))[0]).toMatchObject({ event: 'refused', user_id: BOB_ID, detail: expect.stringMatching(/frozen by alice/) });
    expect((await refusal(h.freeze.engage(bob(), 'again'))).message).toMatch(/already frozen \(frozen by alice: drill\)/);
    expect(await h.store.db.get('SELECT COUNT(*) AS n FROM pending_actions')).toEqual({ n: 0 });
  });

  it('may be engaged by anyone holding a grant, not by someone without one', async () => {
    expect((await refusal(h.freeze.engage(h.actor(CAROL_ID, 'carol'), 'prank'))).message).toMatch(/at least one grant/);
    expect(await h.freeze.current()).toBeUndefined();
  });
});

describe('a freeze between the claim and the send', () => {
  it('sends nothing: the transaction that would write the "sent" row reads the freeze', async () => {
    const view = await h.service.request(alice(), h.endpoint(REPAY), {});
    const mine = claimed(await h.service.confirm(alice(), view.action.id));
    await h.freeze.engage(bob(), 'stop now');
    const error = await refusal(mine.run());
    expect(error).toMatchObject({ kind: 'revoked', message: expect.stringMatching(/^Nothing was sent: the bot is frozen by bob: stop now/) });
    expect(posts()).toEqual([]);
    expect(await h.store.pending.get(view.action.id)).toMatchObject({ state: 'failed' });
    const rows = await h.store.log.forAction(view.action.id);
    expect(rows.map((row) => [row.event, row.outcome_kind])).toEqual([
      ['requested', null],
      ['confirmed', null],
      ['outcome', 'not-sent'],
    ]);
    expect(rows.at(-1)?.detail).toBe('nothing was sent: frozen by bob: stop now');
  });

  it('engaged by a second process on the same database: the first one refuses the click and sends nothing', async () => {
    const other = await h.second({ instanceId: 'other-host:1:abcd' });
    try {
      const view = await h.service.request(alice(), h.endpoint(REPAY), {});
      await other.freeze.engage(bob(), 'from the other process');
      const error = await refusal(h.service.confirm(alice(), view.action.id));
      expect(error.message).toMatch(/closed \(frozen by bob: from the other process\)/);
      expect((await refusal(other.service.request(alice(), h.endpoint(REPAY), {}))).message).toMatch(/frozen by bob/);
    } finally {
      await other.close();
    }
    expect(posts()).toEqual([]);
  });
});

describe('releasing the freeze needs two people', () => {
  it("an admin's release is only a proposal: alone it changes nothing; a second admin's approval releases", async () => {
    await h.freeze.engage(alice(), 'incident');
    const result = await h.freeze.release(alice());
    if (result.kind !== 'proposed') throw new Error('expected a proposal');
    expect(await h.freeze.current()).toMatchObject({ byTag: 'alice' });
    expect((await refusal(h.proposals.approve(alice(), result.proposal.id))).message).toMatch(/You proposed this change/);
    expect((await refusal(h.service.request(alice(), h.endpoint(REPAY), {}))).message).toMatch(/frozen/);
    await h.proposals.approve(bob(), result.proposal.id);
    expect(await h.freeze.current()).toBeUndefined();
    const rows = (await h.store.log.forAction(result.proposal.id)).map((row) => [row.event, row.user_id]);
    expect(rows).toEqual([
      ['proposed', ALICE_ID],
      ['refused', ALICE_ID],
      ['approved', BOB_ID],
      ['unfreeze', BOB_ID],
    ]);
    await h.service.request(alice(), h.endpoint(REPAY), {});
  });

  it('a root admin releases at once; a user without access.admin cannot even propose', async () => {
    await h.freeze.engage(alice(), 'incident');
    await logChange(h.store, { kind: 'revoke', user: BOB_ID, action: 'access.admin', account: '*' });
    expect((await refusal(h.freeze.release(bob()))).message).toMatch(/releasing the freeze needs two people/);
    expect((await h.freeze.release(admin())).kind).toBe('applied');
    expect(await h.freeze.current()).toBeUndefined();
    expect((await h.store.log.recent({ limit: 1 }))[0]).toMatchObject({ event: 'unfreeze', user_id: ADMIN_ID, params_json: '{}' });
  });

  it('a release proposed for one freeze cannot release a later one', async () => {
    await h.freeze.engage(alice(), 'first');
    const result = await h.freeze.release(alice());
    if (result.kind !== 'proposed') throw new Error('expected a proposal');
    await h.freeze.release(admin());
    h.clock.now += 1_000;
    await h.freeze.engage(bob(), 'second');
    // The new freeze closed the old proposal with everything else waiting for a click.
    expect((await refusal(h.proposals.approve(bob(), result.proposal.id))).message).toMatch(/closed \(frozen by bob: second\)/);
    expect(await h.freeze.current()).toMatchObject({ reason: 'second' });
  });
});
