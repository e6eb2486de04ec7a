// Review of issue 11 (attacks): the click's authorization and the policy are
// read OUTSIDE the claim's transaction (src/actions/service.ts confirm/approve:
// #reauthorize and approvalsRequired, then #claim). A revoke or a policy raise
// that commits in between is not seen: the claim goes ahead and the request is
// sent. The window is real, not theoretical: when the admin's change holds the
// write lock, the click's BEGIN IMMEDIATE waits for it (busy timeout 5 s) and
// then claims with what it read before. The interleaving is forced here by a
// hook that commits the admin's change at exactly that point (a second
// "process" on the same file). Each test states the guard rail; each failed at 6ba83d3 (the review) and holds since its fix.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../commands/index.ts';
import { Authorizer, type AuthDecision, type CheckOptions } from '../../src/actions/authorization.ts';
import { OperatorError } from '../../src/actions/errors.ts';
import { ActionService, type ConfirmResult } from '../../src/actions/service.ts';
import { silentLogger } from '../../src/log.ts';
import { Grants } from '../../src/store/index.ts';
import { ADMIN_ID, ALICE_ID, BOB_ID, createHarness, logChange, type Harness } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const BANKRUPTCY = 'pm-pro.bankruptcy-repay';
const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const bob = () => h.actor(BOB_ID, 'bob');
const sent = () => h.binance.requestsTo('/sapi/v1/portfolio/repay');

/** Runs `between` once, right after the next check() of `userId` has decided. */
class RacingAuthorizer extends Authorizer {
  armed: { userId: string; between: () => Promise<void> } | undefined;
  override async check(userId: string, actionKey: string, options?: CheckOptions): Promise<AuthDecision> {
    const decision = await super.check(userId, actionKey, options);
    const armed = this.armed;
    if (armed !== undefined && armed.userId === userId) {
      this.armed = undefined;
      await armed.between();
    }
    return decision;
  }
}

/** Runs `between` once, right after the next approvalsRequired() read. */
class RacingGrants extends Grants {
  armed: (() => Promise<void>) | undefined;
  override async approvalsRequired(...args: Parameters<Grants['approvalsRequired']>): Promise<0 | 1> {
    const value = await super.approvalsRequired(...args);
    const armed = this.armed;
    this.armed = undefined;
    if (armed !== undefined) await armed();
    return value;
  }
}

async function racingService() {
  const grants = new RacingGrants(h.store.db);
  const store = { ...h.store, grants };
  const authorizer = new RacingAuthorizer(grants, new Set([ADMIN_ID]));
  const service = new ActionService({ endpoints: ENDPOINTS, store, binance: h.client, authorizer, confirmTimeoutMs: 60_000, log: silentLogger, now: () => h.clock.now });
  return { service, authorizer, grants };
}

async function put(userId: string, actionKey: string, role: 'requester' | 'approver' = 'requester') {
  await h.putGrant({ userId, actionKey, account: '*', role, caps: [] });
}

async function outcomeOf(result: Promise<ConfirmResult>): Promise<string> {
  try {
    const claimed = await result;
    return claimed.kind === 'claimed' ? (await claimed.run()).kind : claimed.kind;
  } catch (error) {
    if (error instanceof OperatorError) return `refused: ${error.message}`;
    throw error;
  }
}

describe('a change committed while a click is being decided', () => {
  it('a revoke that commits between the click’s grant check and its claim wins: nothing is sent', async () => {
    await put(ALICE_ID, BANKRUPTCY);
    const { service, authorizer } = await racingService();
    const view = await service.request(alice(), h.endpoint(BANKRUPTCY), {});
    const other = await h.second();
    try {
      // The root revokes alice (another bot process) just as her Confirm is being decided.
      authorizer.armed = { userId: ALICE_ID, between: async () => void (await logChange(other.store, { kind: 'revoke', user: ALICE_ID, action: BANKRUPTCY, account: '*' })) };
      const outcome = await outcomeOf(service.confirm(alice(), view.action.id));
      expect(await h.store.grants.get(ALICE_ID, BANKRUPTCY)).toBeUndefined();
      expect(outcome).toMatch(/^refused/);
      expect(sent()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('a policy raised to approvals:1 between the Confirm’s policy read and its claim holds: the action waits for a second person', async () => {
    await put(ALICE_ID, BANKRUPTCY);
    const { service, grants } = await racingService();
    const view = await service.request(alice(), h.endpoint(BANKRUPTCY), {});
    grants.armed = async () => {
      await h.access.policy(admin(), { action: BANKRUPTCY, approvals: 1 });
    };
    const outcome = await outcomeOf(service.confirm(alice(), view.action.id));
    expect(await h.store.grants.approvalsRequired(BANKRUPTCY, 'main')).toBe(1);
    expect(outcome).toBe('awaiting-approval');
    expect(sent()).toHaveLength(0);
  });

  it("an approver's revoke that commits between their Approve's check and the claim wins: nothing is sent", async () => {
    await put(ALICE_ID, BANKRUPTCY);
    await put(BOB_ID, BANKRUPTCY, 'approver');
    await h.access.policy(admin(), { action: BANKRUPTCY, approvals: 1 });
    const { service, authorizer } = await racingService();
    const view = await service.request(alice(), h.endpoint(BANKRUPTCY), {});
    expect((await service.confirm(alice(), view.action.id)).kind).toBe('awaiting-approval');
    authorizer.armed = { userId: BOB_ID, between: async () => void (await h.access.revoke(admin(), { user: BOB_ID, action: BANKRUPTCY })) };
    const outcome = await outcomeOf(service.approve(bob(), view.action.id));
    expect(await h.store.grants.get(BOB_ID, BANKRUPTCY)).toBeUndefined();
    expect(outcome).toMatch(/^refused/);
    expect(sent()).toHaveLength(0);
  });
});
