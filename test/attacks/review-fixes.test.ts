// The fixes of issue 11's review, each as the attack (or the confusion) it
// stops, without Discord: what a checker is shown, stale proposals, a revoke
// that found nothing, revokes and policies per account under the strictest-row
// rule, a checker revoked while approving, and which proposals a freeze keeps.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../commands/index.ts';
import { AccessService } from '../../src/actions/access.ts';
import { Authorizer, type AuthDecision, type CheckOptions } from '../../src/actions/authorization.ts';
import { ProposalService } from '../../src/actions/proposals.ts';
import { appliedAnnouncement, proposalMessage } from '../../src/discord/proposal-flow.ts';
import { Grants, type Cap, type Grant, type Proposal } from '../../src/store/index.ts';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, createHarness, logChange, type Harness } from '../support/harness.ts';
import { claimed, refusal } from '../support/outcomes.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  for (const id of [ALICE_ID, BOB_ID]) await put(id, 'access.admin');
});
afterEach(async () => {
  await h.close();
});

const REPAY = 'pm.repay-debt';
const DAVE_ID = '100000000000000005';
const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const bob = () => h.actor(BOB_ID, 'bob');
const carol = () => h.actor(CAROL_ID, 'carol');
const roots = () => new Authorizer(h.store.grants, new Set([ADMIN_ID]));

async function put(userId: string, actionKey: string, role: 'requester' | 'approver' = 'requester', caps: Cap[] = [], account = '*') {
  await h.putGrant({ userId, actionKey, account, role, caps });
}

async function proposed(result: ReturnType<Harness['access']['grant']>): Promise<Proposal> {
  const done = await result;
  if (done.kind !== 'proposed') throw new Error(`expected a proposal, got ${done.kind}`);
  return done.proposal;
}

const textOf = (body: { embeds: Array<{ description?: string }> }) => body.embeds.map((embed) => embed.description ?? '').join('\n');

describe('what a checker is shown', () => {
  it('a re-grant proposal shows BEFORE → AFTER: the role, and the figures of the one asset it touches, never the other assets’ or what was spent', async () => {
    await put(CAROL_ID, REPAY, 'approver', [
      { asset: 'BNB', maxAmount: '1', dailyMax: null },
      { asset: 'BTC', maxAmount: '0.5', dailyMax: null },
    ]);
    const proposal = await proposed(h.access.grant(alice(), { user: CAROL_ID, action: REPAY, role: 'requester', asset: 'BNB', maxAmount: '2', dailyMax: '3' }));
    const text = textOf(proposalMessage(proposal, h.proposals.changeOf(proposal), roots()));
    expect(text).toContain(`<@${ALICE_ID}> proposes: **change the grant of \`pm.repay-debt\` held by <@${CAROL_ID}>**.`);
    expect(text).toContain('• Role: approver → requester');
    expect(text).toContain('• BNB: 1 BNB per request → 2 BNB per request, 3 BNB per 24 h');
    expect(text).toContain('• Caps of the other assets: unchanged');
    expect(text).not.toMatch(/BTC|0\.5|spent|left/);

    const { change } = await h.proposals.approve(bob(), proposal.id);
    const announced = appliedAnnouncement(change, { kind: 'grant', grant: undefined }, bob(), roots(), proposal);
    expect(announced.lines.join('\n')).toContain(`Proposed by <@${ALICE_ID}>, approved by <@${BOB_ID}> (admin).`);
  });

  it("a root's change is announced as BEFORE → AFTER, read in the transaction that applied it", async () => {
    await h.access.policy(admin(), { action: REPAY, approvals: 1 });
    const lowered = await h.access.policy(admin(), { action: REPAY, approvals: 0 });
    if (lowered.kind !== 'applied') throw new Error('a root applies at once');
    expect(lowered.before).toEqual({ kind: 'policy', approvals: 1 });
    const lines = appliedAnnouncement(lowered.change, lowered.before, admin(), roots()).lines.join('\n');
    expect(lines).toContain("applied: let `pm.repay-debt` run on its requester's confirmation alone (approvals: 0).");
    expect(lines).toContain('• Approvals: 1 (a second person must approve) → 0 (the requester alone)');
  });
});

describe('removing a limit is an explicit act', () => {
  it('a re-grant cannot drop a daily cap; a revoke then a new grant does, and each step is shown as what it is', async () => {
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '1', dailyMax: '1' });
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '5' });
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.caps).toEqual([{ asset: 'BNB', maxAmount: '5', dailyMax: '1' }]);
    const revoked = await h.access.revoke(admin(), { user: CAROL_ID, action: REPAY });
    expect(revoked).toMatchObject({ kind: 'applied', before: { kind: 'revoke', grants: [expect.objectContaining({ role: 'requester' })] } });
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '5' });
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.caps).toEqual([{ asset: 'BNB', maxAmount: '5', dailyMax: null }]);
  });
});

describe('stale proposals are closed by the sweep', () => {
  it('a proposal whose maker lost access.admin is closed at the next sweep, with why, logged once; the checker can no longer apply it', async () => {
    const closedSeen: string[] = [];
    const proposals = new ProposalService({ store: h.store, authorizer: roots(), timeoutMs: 60_000, now: () => h.clock.now, onClosed: (closed) => closedSeen.push(...closed.map((p) => p.id)) });
    const access = new AccessService({ store: h.store, authorizer: roots(), proposals, endpoints: ENDPOINTS, now: () => h.clock.now });
    const proposal = await proposed(access.grant(alice(), { user: CAROL_ID, action: REPAY }));
    const untouched = await proposed(access.grant(bob(), { user: DAVE_ID, action: 'audit.read' }));
    await h.access.revoke(admin(), { user: ALICE_ID, action: 'access.admin' });

    expect((await proposals.closeStale()).map((p) => [p.id, p.state, p.closedReason])).toEqual([
      [proposal.id, 'cancelled', 'alice, who proposed it, no longer holds `access.admin`'],
    ]);
    expect(await proposals.closeStale()).toEqual([]);
    expect(closedSeen).toEqual([proposal.id]);
    expect((await h.store.log.forAction(proposal.id)).map((row) => [row.event, row.user_id, row.detail])).toEqual([
      ['proposed', ALICE_ID, null],
      ['cancelled', ALICE_ID, 'alice, who proposed it, no longer holds `access.admin`'],
    ]);
    expect((await refusal(proposals.approve(bob(), proposal.id))).message).toMatch(/closed \(alice, who proposed it, no longer holds `access.admin`\); nothing changed/);
    expect(await h.store.grants.get(CAROL_ID, REPAY)).toBeUndefined();
    expect((await h.store.proposals.get(untouched.id))?.state).toBe('open');
  });

  it('a proposal whose basis changed (a root re-granted meanwhile) is closed at the next sweep', async () => {
    const proposal = await proposed(h.access.grant(alice(), { user: CAROL_ID, action: REPAY, role: 'approver' }));
    await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BTC', maxAmount: '1' });
    expect((await h.proposals.closeStale()).map((p) => [p.id, p.closedReason])).toEqual([[proposal.id, 'what it changes was changed by someone else since it was proposed']]);
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.role).toBe('requester');
  });
});

describe('a revoke that finds nothing', () => {
  it("a root's revoke of a grant that does not exist answers so and writes no revoke row", async () => {
    const error = await refusal(h.access.revoke(admin(), { user: CAROL_ID, action: REPAY }));
    expect(error).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/had no grant of `pm.repay-debt`; nothing was removed and nothing is announced/) });
    expect((await h.store.log.recent({ limit: 5 })).filter((row) => row.event === 'revoke')).toEqual([]);
  });

  it("a root's revoke whose grant another process removed a moment before applying is not applied (and so not announced)", async () => {
    await put(CAROL_ID, REPAY);
    const other = await h.second();
    try {
      // The grant is read (once, before the apply's transaction), then another process revokes it, then this one applies.
      class RacingGrants extends Grants {
        armed = true;
        override async everyRow(...args: Parameters<Grants['everyRow']>): Promise<Grant[]> {
          const rows = await super.everyRow(...args);
          if (this.armed) {
            this.armed = false;
            await logChange(other.store, { kind: 'revoke', user: CAROL_ID, action: REPAY, account: '*' });
          }
          return rows;
        }
      }
      const store = { ...h.store, grants: new RacingGrants(h.store.db) };
      const authorizer = new Authorizer(store.grants, new Set([ADMIN_ID]));
      const access = new AccessService({ store, authorizer, proposals: h.proposals, endpoints: ENDPOINTS });
      const error = await refusal(access.revoke(admin(), { user: CAROL_ID, action: REPAY }));
      expect(error.message).toMatch(/nothing was removed and nothing is announced/);
      // The other process's revoke only (logged, as every access change must be): none from this one.
      expect((await h.store.log.recent({ limit: 5 })).filter((row) => row.event === 'revoke')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe('per account, the strictest row', () => {
  it("revoking one account while a '*' row grants every account is refused, saying how (it would leave the right)", async () => {
    await put(CAROL_ID, REPAY);
    const error = await refusal(h.access.revoke(admin(), { user: CAROL_ID, action: REPAY, account: 'main' }));
    expect(error.message).toMatch(/holds `pm.repay-debt` on every account \(\*\), which covers account main too.*Revoke it without `account`/s);
    expect(await h.store.grants.get(CAROL_ID, REPAY, 'main')).toBeDefined();
  });

  it("planting a looser account row under a '*' rule of 1 is a lowering: a delegated admin only proposes it", async () => {
    await h.access.policy(admin(), { action: REPAY, approvals: 1 });
    const planted = await h.access.policy(alice(), { action: REPAY, account: 'main', approvals: 0 });
    expect(planted.kind).toBe('proposed');
    expect(await h.store.grants.policyExact(REPAY, 'main')).toBeUndefined();
  });

  it("a daily cap on the account row and one on the '*' row both hold: the stricter is what is left", async () => {
    await put(CAROL_ID, REPAY, 'requester', [{ asset: 'BNB', maxAmount: null, dailyMax: '3' }]);
    await put(CAROL_ID, REPAY, 'requester', [{ asset: 'BNB', maxAmount: null, dailyMax: '1' }], 'main');
    const view = await h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '1' });
    expect(view.dailyCap).toMatchObject({ dailyMax: '1', left: '1' });
    await claimed(await h.service.confirm(carol(), view.action.id)).run();
    expect((await refusal(h.service.request(carol(), h.endpoint(REPAY), { asset: 'BNB', amount: '0.5' }))).message).toMatch(/above your daily cap of 1 BNB/);
  });
});

describe('a checker revoked while approving a proposal', () => {
  it('a revoke of the checker that commits between their check and the apply wins: nothing changes', async () => {
    class RacingAuthorizer extends Authorizer {
      armed: (() => Promise<void>) | undefined;
      override async check(userId: string, actionKey: string, options?: CheckOptions): Promise<AuthDecision> {
        const decision = await super.check(userId, actionKey, options);
        const armed = this.armed;
        if (userId === BOB_ID && armed !== undefined) {
          this.armed = undefined;
          await armed();
        }
        return decision;
      }
    }
    const authorizer = new RacingAuthorizer(h.store.grants, new Set([ADMIN_ID]));
    const proposals = new ProposalService({ store: h.store, authorizer, timeoutMs: 60_000, now: () => h.clock.now });
    const proposal = await proposed(new AccessService({ store: h.store, authorizer, proposals, endpoints: ENDPOINTS }).grant(alice(), { user: CAROL_ID, action: REPAY }));
    authorizer.armed = async () => void (await h.access.revoke(admin(), { user: BOB_ID, action: 'access.admin' }));
    expect((await refusal(proposals.approve(bob(), proposal.id))).message).toMatch(/not been granted `access.admin`/);
    expect(await h.store.grants.get(CAROL_ID, REPAY)).toBeUndefined();
    expect((await h.store.proposals.get(proposal.id))?.state).toBe('open');
  });
});

describe('the freeze and open proposals', () => {
  it('keeps the proposals that only take rights away (revoke, lower cap, narrower role), closes those that add one', async () => {
    await put(CAROL_ID, REPAY, 'requester', [{ asset: 'BNB', maxAmount: '5', dailyMax: null }]);
    await put(DAVE_ID, 'audit.read');
    const revoke = await proposed(h.access.revoke(alice(), { user: DAVE_ID, action: 'audit.read' }));
    const lowerCap = await proposed(h.access.grant(alice(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '1' }));
    const narrower = await proposed(h.access.grant(bob(), { user: CAROL_ID, action: REPAY, role: 'approver' }));
    const raiseCap = await proposed(h.access.grant(bob(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '50' }));
    const newAsset = await proposed(h.access.grant(alice(), { user: CAROL_ID, action: REPAY, asset: 'BTC', maxAmount: '1' }));
    const newGrant = await proposed(h.access.grant(alice(), { user: DAVE_ID, action: REPAY }));

    const engaged = await h.freeze.engage(carol(), 'incident');
    expect(engaged.kept.map((p) => p.id).sort()).toEqual([revoke.id, lowerCap.id, narrower.id].sort());
    expect(engaged.proposals.map((p) => p.id).sort()).toEqual([raiseCap.id, newAsset.id, newGrant.id].sort());
    for (const p of engaged.proposals) expect((await h.store.proposals.get(p.id))?.closedReason).toBe('frozen by carol: incident');

    // During the incident the desk takes rights away: the kept revoke is approved and applied.
    await h.proposals.approve(bob(), revoke.id);
    expect(await h.store.grants.get(DAVE_ID, 'audit.read')).toBeUndefined();
    expect((await refusal(h.proposals.approve(alice(), raiseCap.id))).message).toMatch(/frozen by carol: incident/);
  });

  it('while frozen, a delegated admin may propose taking a right away, not adding one (logged); a root still may', async () => {
    await put(CAROL_ID, REPAY, 'requester', [{ asset: 'BNB', maxAmount: '5', dailyMax: null }]);
    await h.freeze.engage(carol(), 'incident');
    const lower = await proposed(h.access.grant(alice(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '1' }));
    await h.proposals.approve(bob(), lower.id);
    expect((await h.store.grants.get(CAROL_ID, REPAY))?.caps).toEqual([{ asset: 'BNB', maxAmount: '1', dailyMax: null }]);

    const widen = await refusal(h.access.grant(alice(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '100' }));
    expect(widen.message).toMatch(/^Refused: the bot is frozen by carol: incident\. While it is, a delegated admin may propose only changes that take rights away/);
    expect((await h.store.log.recent({ limit: 1 }))[0]).toMatchObject({ event: 'refused', user_id: ALICE_ID, detail: 'proposal while frozen by carol: incident: it would add a right' });
    expect((await h.access.grant(admin(), { user: CAROL_ID, action: REPAY, asset: 'BNB', maxAmount: '100' })).kind).toBe('applied');
  });
});
