// Review of issue 11 (attacks): a re-grant meant to TIGHTEN or adjust a grant
// silently loosened it. Each test states the guard rail as it should hold; each
// failed at 6ba83d3 (the review), when the attack succeeded. Calls go through the same service
// entry points as /access grant does (src/discord/commands/access.ts passes
// role/asset/max-amount/daily-max exactly like this; an omitted option is
// undefined).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Authorizer } from '../../src/actions/authorization.ts';
import { proposalMessage } from '../../src/discord/proposal-flow.ts';
import type { Cap } from '../../src/store/index.ts';
import { claimed, refusal } from '../support/outcomes.ts';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  // alice and bob: delegated admins (access.admin granted by the root).
  for (const id of [ALICE_ID, BOB_ID]) await put(id, 'access.admin');
});
afterEach(async () => {
  await h.close();
});

const REPAY = 'pm.repay-debt';
const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const bob = () => h.actor(BOB_ID, 'bob');
const carol = () => h.actor(CAROL_ID, 'carol');
const posts = () => h.binance.requestsTo('/papi/v1/margin/repay-debt');

async function put(userId: string, actionKey: string, role: 'requester' | 'approver' = 'requester', caps: Cap[] = []) {
  await h.putGrant({ userId, actionKey, account: '*', role, caps });
}

/** alice proposes, bob approves: the maker-checker path a delegated admin's change takes. */
async function proposeAndApprove(input: Parameters<Harness['access']['grant']>[1]) {
  const result = await h.access.grant(alice(), input);
  if (result.kind !== 'proposed') throw new Error('expected a proposal');
  const shown = proposalMessage(result.proposal, result.change, new Authorizer(h.store.grants, new Set([ADMIN_ID])));
  await h.proposals.approve(bob(), result.proposal.id);
  return { proposal: result.proposal, text: JSON.stringify(shown.embeds) };
}

describe('a re-grant of the same asset', () => {
  it('raising the per-request cap keeps that asset’s daily cap (the checker was shown only "1.5 BNB per request")', async () => {
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '1', dailyMax: '2' });
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.caps).toEqual([{ asset: 'BNB', maxAmount: '1', dailyMax: '2' }]);

    // "Let carol repay up to 1.5 BNB at a time": /access grant user:carol action:pm.repay-debt asset:BNB max-amount:1.5
    const { text } = await proposeAndApprove({ user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '1.5' });
    // What the checker saw never mentioned that the 24-hour cap goes away.
    expect(text).toMatch(/1\.5 BNB per request/);

    // The guard rail: the 2 BNB per 24 h cap still holds.
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.caps).toEqual([{ asset: 'BNB', maxAmount: '1.5', dailyMax: '2' }]);
    const first = await h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '1.5' });
    await claimed(await h.service.confirm(carol(), first.action.id)).run();
    await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '1.5' }));
    expect(posts()).toHaveLength(1);
  });
});

describe('a re-grant that leaves `role` out', () => {
  it('capping what an approver may approve leaves them an approver (they still cannot request)', async () => {
    await put(CAROL_ID, REPAY, 'approver');
    // "Carol may approve at most 1 BNB": /access grant user:carol action:pm.repay-debt asset:BNB max-amount:1
    await proposeAndApprove({ user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '1' });
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.role).toBe('approver');
    const error = await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '1' }));
    expect(error.message).toMatch(/as an approver/);
    expect(posts()).toHaveLength(0);
  });

  it('the checker is shown that the role changes (approver → requester), not only the resulting grant', async () => {
    await put(CAROL_ID, REPAY, 'approver');
    const { text } = await proposeAndApprove({ user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '1' });
    expect(text, 'the proposal should name the role it replaces').toMatch(/approver/);
  });

  it('a daily-max for an approver is refused, not turned into a requester grant (root admin, applied at once)', async () => {
    await put(CAROL_ID, REPAY, 'approver');
    // The answer for an approver with daily-max is meant to be: "`daily-max` limits what a requester spends; an `approver` requests nothing".
    const error = await refusal(h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', dailyMax: '5' }));
    expect(error.message).toMatch(/an `approver` requests nothing/);
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.role).toBe('approver');
  });
});

describe("a re-grant over an older version's '*' cap", () => {
  it('does not silently lift the cap: without a named asset the grant still refuses amounts (the refusal asked for "a named asset")', async () => {
    // Written by an older version: "100 of any asset".
    await put(CAROL_ID, REPAY, 'requester', [{ asset: '*', maxAmount: '100', dailyMax: null }]);
    expect((await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '5' }))).message).toMatch(/re-grant it with a named asset/);

    // A root re-grant that names no asset (e.g. to confirm the role) removes the cap altogether.
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, role: 'requester' });
    await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '1000' }));
  });
});
