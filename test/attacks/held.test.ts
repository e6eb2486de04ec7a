// Review of issue 11: attacks that HELD at 6ba83d3 (these tests pass), kept as
// specifications so that a later change cannot quietly reopen them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../commands/index.ts';
import { Authorizer } from '../../src/actions/authorization.ts';
import { ActionService } from '../../src/actions/service.ts';
import { silentLogger } from '../../src/log.ts';
import type { Cap } from '../../src/store/index.ts';
import { claimed, refusal } from '../support/outcomes.ts';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const REPAY = 'pm.repay-debt';
const BANKRUPTCY = 'pm-pro.bankruptcy-repay';
const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const bob = () => h.actor(BOB_ID, 'bob');
const carol = () => h.actor(CAROL_ID, 'carol');
const repays = () => h.binance.requestsTo('/papi/v1/margin/repay-debt');

async function put(userId: string, actionKey: string, caps: Cap[] = [], role: 'requester' | 'approver' = 'requester') {
  await h.putGrant({ userId, actionKey, account: '*', role, caps });
}

async function spend(actor: ReturnType<typeof alice>, amount: string, asset = 'BNB') {
  const view = await h.service.request(actor, h.endpoint(REPAY), { asset, amount });
  // Repeating a request that just executed needs "Send anyway" (send-anyway.ts); the caps still decide.
  return (await claimed(await h.service.confirm(actor, view.action.id, undefined, true)).run()).kind;
}

describe('daily caps', () => {
  it('revoke-then-grant does not reset the rolling total (it is counted from the actions, not the grant)', async () => {
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', dailyMax: '1' });
    expect(await spend(carol(), '1')).toBe('success');
    await h.access.revoke(admin(), { user: CAROL_ID, action: REPAY });
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', dailyMax: '1' });
    expect((await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '0.1' }))).message).toMatch(/already spent or in flight: 1 BNB/);
    expect(repays()).toHaveLength(1);
  });

  it('an asset typed in lower case is the same asset as the cap (both are upper-cased at the edge)', async () => {
    await put(CAROL_ID, REPAY, [{ asset: 'BNB', maxAmount: '1', dailyMax: '1' }]);
    await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'bnb', amount: '2' }));
    expect(await spend(carol(), '1', ' bnb ')).toBe('success');
    await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'Bnb', amount: '0.00000001' }));
  });

  it('0.10 and 0.1 are summed as decimals: exactly the cap passes, one unit more does not', async () => {
    await put(CAROL_ID, REPAY, [{ asset: 'BNB', maxAmount: null, dailyMax: '0.2' }]);
    expect(await spend(carol(), '0.10')).toBe('success');
    expect(await spend(carol(), '0.1')).toBe('success');
    await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '0.00000001' }));
  });

  it('"repay the whole loan" (no amount) is refused under a daily-only cap', async () => {
    await put(CAROL_ID, REPAY, [{ asset: 'BNB', maxAmount: null, dailyMax: '100' }]);
    expect((await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB' }))).message).toMatch(/give an amount/);
  });
});

describe('approvals', () => {
  it("an approver's own per-request cap bounds what they may approve", async () => {
    await put(ALICE_ID, REPAY);
    await put(BOB_ID, REPAY, [{ asset: 'BNB', maxAmount: '1', dailyMax: null }], 'approver');
    await h.access.policy(admin(), { action: REPAY, approvals: 1 });
    const view = await h.service.request(alice(), h.endpoint(REPAY), { asset: 'BNB', amount: '2' });
    expect((await h.service.confirm(alice(), view.action.id)).kind).toBe('awaiting-approval');
    expect((await refusal(h.service.approve(bob(), view.action.id))).message).toMatch(/above your cap of 1 BNB/);
    expect(repays()).toHaveLength(0);
  });

  it('a root removed from BOT_ADMIN_IDS (restart) cannot confirm what they requested as root', async () => {
    const view = await h.service.request(admin(), h.endpoint(BANKRUPTCY), {});
    const restarted = new ActionService({
      endpoints: ENDPOINTS,
      store: h.store,
      binance: h.client,
      authorizer: new Authorizer(h.store.grants, new Set()),
      confirmTimeoutMs: 60_000,
      log: silentLogger,
      now: () => h.clock.now,
    });
    expect((await refusal(restarted.confirm(admin(), view.action.id))).kind).toBe('revoked');
    expect(h.binance.requestsTo('/sapi/v1/portfolio/repay')).toHaveLength(0);
  });
});
