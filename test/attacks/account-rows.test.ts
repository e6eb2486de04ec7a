// Review of issue 11 (attacks): "the most specific row wins" (src/store/grants.ts)
// lets an account row LOOSEN what the '*' row says. Actions run on account
// "main" (DEFAULT_ACCOUNT), so a 'main' row shadows every '*' row a root sets
// from Discord (/access has no account option: it always writes '*').
// LATENT today: a 'main' row can only be written through AccessService's
// `account` field (or the database), not from Discord; it becomes reachable the
// day /access gains `account`. Each test states the guard rail; each failed
// at 6ba83d3 (the review) and holds since its fix.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfirmResult } from '../../src/actions/service.ts';
import type { Cap } from '../../src/store/index.ts';
import { refusal } from '../support/outcomes.ts';
import { ADMIN_ID, ALICE_ID, CAROL_ID, createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const BANKRUPTCY = 'pm-pro.bankruptcy-repay';
const REPAY = 'pm.repay-debt';
const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const carol = () => h.actor(CAROL_ID, 'carol');

async function put(userId: string, actionKey: string, account = '*', caps: Cap[] = []) {
  await h.putGrant({ userId, actionKey, account, role: 'requester', caps });
}

describe('policies per account', () => {
  it("a delegated admin cannot plant, alone, an account row that later shadows the root's approvals:1", async () => {
    await put(ALICE_ID, 'access.admin');
    await put(ALICE_ID, BANKRUPTCY);
    // While nothing is required, alice "confirms" approvals:0 for account main: not a lowering, so it applies at once.
    const planted = await h.access.policy(alice(), { action: BANKRUPTCY, account: 'main', approvals: 0 });
    expect(planted.kind).toBe('applied'); // at the review: at once, announced as a harmless "approvals: 0" (still at once: nothing is lowered, and under the strictest-row rule it can never loosen '*')

    // Later the root requires a second person (the only thing /access policy can set: the '*' row) ...
    await h.access.policy(admin(), { action: BANKRUPTCY, approvals: 1 });
    // ... and alice runs the action alone on account main anyway.
    const view = await h.service.request(alice(), h.endpoint(BANKRUPTCY), {});
    const result: ConfirmResult = await h.service.confirm(alice(), view.action.id);
    if (result.kind === 'claimed') await result.run(); // at the review: alice alone, and it was sent
    expect(result.kind).toBe('awaiting-approval');
    expect(h.binance.requestsTo('/sapi/v1/portfolio/repay')).toHaveLength(0);
  });

  it("the root's approvals:1 on '*' holds on account main even when an old 'main' row says 0 (the stricter row wins)", async () => {
    await put(ALICE_ID, BANKRUPTCY);
    await h.putPolicy({ actionKey: BANKRUPTCY, account: 'main', approvals: 0 });
    await h.access.policy(admin(), { action: BANKRUPTCY, approvals: 1 });
    expect(await h.store.grants.approvalsRequired(BANKRUPTCY, 'main')).toBe(1);
    const view = await h.service.request(alice(), h.endpoint(BANKRUPTCY), {});
    expect(view.approvalsRequired).toBe(1);
    expect((await h.service.confirm(alice(), view.action.id)).kind).toBe('awaiting-approval');
  });
});

describe('grants per account', () => {
  it("an uncapped 'main' row does not lift the caps of the '*' row (a cap is never loosened by a narrower row)", async () => {
    await put(CAROL_ID, REPAY, '*', [{ asset: 'BNB', maxAmount: '1', dailyMax: null }]);
    await put(CAROL_ID, REPAY, 'main');
    await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '5' }));
  });

  it("/access revoke (no account option: it revokes the '*' row) takes the action away, even when a 'main' row exists", async () => {
    await put(CAROL_ID, REPAY, '*');
    await put(CAROL_ID, REPAY, 'main');
    const revoked = await h.access.revoke(admin(), { user: CAROL_ID, action: REPAY });
    expect(revoked.kind).toBe('applied');
    // The revoke was announced as "revoke `pm.repay-debt` from carol"; carol still holds it on main.
    await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '1' }));
  });
});
