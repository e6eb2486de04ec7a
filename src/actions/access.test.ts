// Segregation of duties without Discord: roles on grants, who may change
// access and how (roots at once, delegated admins by proposal), the
// maker–checker rules of proposals, and log rows from which grants and
// policies can be rebuilt.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, createHarness, type Harness } from '../../test/support/harness.ts';
import { refusal } from '../../test/support/outcomes.ts';
import { Authorizer } from './authorization.ts';
import type { ConfirmResult } from './service.ts';
import { accessChange, grantFromParams, grantParams, policyParams, revokeParams, type Cap, type LogRow } from '../store/index.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const DAVE_ID = '100000000000000005';
const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const bob = () => h.actor(BOB_ID, 'bob');
const carol = () => h.actor(CAROL_ID, 'carol');
const dave = () => h.actor(DAVE_ID, 'dave');

async function put(userId: string, actionKey: string, role: 'requester' | 'approver' = 'requester', caps: Cap[] = []) {
  await h.putGrant({ userId, actionKey, account: '*', role, caps });
}


async function lastRow(): Promise<LogRow | undefined> {
  return (await h.store.log.recent({ limit: 1 }))[0];
}

describe('roles', () => {
  it('an approver may not request, but may approve and reject; both are logged with the right they used', async () => {
    await put(ALICE_ID, 'pm.repay-negative-balance');
    await put(BOB_ID, 'pm.repay-negative-balance', 'approver');
    await h.putPolicy({ actionKey: 'pm.repay-negative-balance', account: '*', approvals: 1 });
    const asks = await refusal(h.service.request(bob(), h.endpoint('pm.repay-negative-balance'), {}));
    expect(asks.message).toMatch(/you hold `pm.repay-negative-balance` as an approver: you may approve or reject other people's requests, not make one/);

    const first = await h.service.request(alice(), h.endpoint('pm.repay-negative-balance'), {});
    await h.service.confirm(alice(), first.action.id);
    expect((await (await h.service.approve(bob(), first.action.id)).run()).kind).toBe('success');
    const second = await h.service.request(alice(), h.endpoint('pm.repay-negative-balance'), {});
    // The same request again just after it executed: it needs "Send anyway" (send-anyway.ts).
    await h.service.confirm(alice(), second.action.id, undefined, true);
    await h.service.reject(bob(), second.action.id);
    const detail = async (id: string, event: string) => (await h.store.log.forAction(id)).find((row) => row.event === event)?.detail;
    expect(await detail(first.action.id, 'approved')).toBe('as approver of `pm.repay-negative-balance`');
    expect(await detail(second.action.id, 'rejected')).toBe('as approver of `pm.repay-negative-balance`');
  });

  it("reads the strictest of an account's row and the * row: an account row narrows, never widens", async () => {
    await put(ALICE_ID, 'futures.margin-type', 'approver');
    await h.putGrant({ userId: ALICE_ID, actionKey: 'futures.margin-type', account: 'futures', role: 'requester', caps: [] });
    await put(BOB_ID, 'futures.margin-type');
    await h.putGrant({ userId: BOB_ID, actionKey: 'futures.margin-type', account: 'futures', role: 'approver', caps: [] });
    const check = new Authorizer(h.store.grants, new Set([ADMIN_ID]));
    // alice: an approver everywhere; her requester row on 'futures' cannot widen that.
    expect(await check.check(ALICE_ID, 'futures.margin-type', { account: 'futures', use: 'request' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/as an approver/) });
    expect(await check.check(ALICE_ID, 'futures.margin-type', { account: 'main', use: 'approve' })).toMatchObject({ allowed: true });
    // bob: a requester everywhere, narrowed to approver on 'futures'.
    expect(await check.check(BOB_ID, 'futures.margin-type', { account: 'futures', use: 'request' })).toMatchObject({ allowed: false });
    expect(await check.check(BOB_ID, 'futures.margin-type', { account: 'main', use: 'request' })).toMatchObject({ allowed: true, via: 'grant' });
    expect(await check.check(ADMIN_ID, 'futures.margin-type', { account: 'main' })).toEqual({ allowed: true, via: 'root' });
  });

  it('a requester of another action can neither approve nor reject', async () => {
    await put(ALICE_ID, 'pm-pro.bankruptcy-repay');
    await put(CAROL_ID, 'futures.margin-type');
    await h.putPolicy({ actionKey: 'pm-pro.bankruptcy-repay', account: '*', approvals: 1 });
    const view = await h.service.request(alice(), h.endpoint('pm-pro.bankruptcy-repay'), {});
    await h.service.confirm(alice(), view.action.id);
    expect((await refusal(h.service.approve(carol(), view.action.id))).message).toMatch(/not been granted `pm-pro.bankruptcy-repay`/);
    expect((await refusal(h.service.reject(carol(), view.action.id))).message).toMatch(/Only someone who holds `pm-pro.bankruptcy-repay`/);
    expect((await h.store.pending.get(view.action.id))?.state).toBe('awaiting_approval');
    expect((await h.store.log.forAction(view.action.id)).map((row) => [row.event, row.user_id])).toEqual([
      ['requested', ALICE_ID],
      ['confirmed', ALICE_ID],
      ['refused', CAROL_ID],
      ['refused', CAROL_ID],
    ]);
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });
});

describe('a pending action keeps the approvals rule it was requested under', () => {
  it('a policy lowered while it is on screen does not release it; one raised since applies', async () => {
    await put(ALICE_ID, 'futures.margin-type');
    await put(BOB_ID, 'futures.margin-type');
    const setPolicy = (approvals: 0 | 1) => h.access.policy(admin(), { action: 'futures.margin-type', approvals });
    await setPolicy(1);
    const strict = await h.service.request(alice(), h.endpoint('futures.margin-type'), { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' });
    expect(strict.approvalsRequired).toBe(1);
    await setPolicy(0);
    const confirmed: ConfirmResult = await h.service.confirm(alice(), strict.action.id);
    expect(confirmed.kind).toBe('awaiting-approval');
    expect((await h.store.log.forAction(strict.action.id)).at(-1)?.detail).toMatch(/required when it was requested; the policy was lowered since/);

    const lax = await h.service.request(alice(), h.endpoint('futures.margin-type'), { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    expect(lax.approvalsRequired).toBe(0);
    await setPolicy(1);
    expect((await h.service.confirm(alice(), lax.action.id)).kind).toBe('awaiting-approval');
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });
});

describe('changing access', () => {
  it('nobody grants to, revokes from or caps themselves, root admins included', async () => {
    await put(ALICE_ID, 'access.admin');
    for (const [who, id] of [[admin(), ADMIN_ID], [alice(), ALICE_ID]] as const) {
      const error = await refusal(h.access.grant(who, { user: id, action: 'pm.repay-debt', asset: 'BTC', maxAmount: '1' }));
      expect(error.message).toMatch(/nobody may grant to, revoke from or cap themselves/);
      expect(await lastRow()).toMatchObject({ event: 'refused', user_id: id, action_key: 'access.admin', detail: 'a change to their own access' });
    }
    expect(await refusal(h.access.revoke(alice(), { user: ALICE_ID, action: 'access.admin' }))).toMatchObject({ kind: 'refused' });
    expect((await h.store.grants.list(ALICE_ID)).map((g) => g.actionKey)).toEqual(['access.admin']);
  });

  it('a root change applies at once and its log row holds the whole resulting grant', async () => {
    await h.access.grant(admin(), { user: ALICE_ID, action: 'pm.repay-debt', asset: 'BTC', maxAmount: '1', dailyMax: '3' });
    const result = await h.access.grant(admin(), { user: ALICE_ID, action: 'pm.repay-debt', asset: 'usdt'.toUpperCase(), maxAmount: '500' });
    expect(result.kind).toBe('applied');
    const row = await lastRow();
    expect(row).toMatchObject({ event: 'grant', action_key: 'pm.repay-debt', user_id: ADMIN_ID, action_id: null });
    expect(JSON.parse(row?.params_json ?? '')).toEqual({
      user: ALICE_ID,
      action: 'pm.repay-debt',
      account: '*',
      role: 'requester',
      caps: [
        { asset: 'BTC', maxAmount: '1', dailyMax: '3' },
        { asset: 'USDT', maxAmount: '500' },
      ],
    });
  });

  it('refuses a * cap, a cap without an asset, and a cap on an action that carries no amount (suggesting a policy)', async () => {
    expect((await refusal(h.access.grant(admin(), { user: ALICE_ID, action: 'pm.repay-debt', asset: '*', maxAmount: '100' }))).message).toMatch(
      /`asset` cannot be `\*`: a cap names one asset, so that "100" cannot mean 100 USDT and 100 BTC alike/,
    );
    expect((await refusal(h.access.grant(admin(), { user: ALICE_ID, action: 'pm.repay-debt', dailyMax: '5' }))).message).toMatch(/`asset` is required with `max-amount` and `daily-max`/);
    expect((await refusal(h.access.grant(admin(), { user: ALICE_ID, action: 'pm.repay-debt', asset: 'BTC' }))).message).toMatch(/`asset` needs `max-amount`/);
    const amountless = await refusal(h.access.grant(admin(), { user: ALICE_ID, action: 'pm-pro.bankruptcy-repay', asset: 'USDT', maxAmount: '1' }));
    expect(amountless.message).toMatch(/`pm-pro.bankruptcy-repay` carries no amount, so it cannot be capped.*`\/access policy action:pm-pro.bankruptcy-repay approvals:1`/);
    expect(await h.store.grants.list()).toEqual([]);
  });

  it("a delegated admin's grant is a proposal: it applies only when a different admin approves, and the change row names both people", async () => {
    await put(ALICE_ID, 'access.admin');
    await put(BOB_ID, 'access.admin', 'approver');
    const result = await h.access.grant(alice(), { user: CAROL_ID, action: 'pm.repay-debt', asset: 'BTC', maxAmount: '0.1' });
    if (result.kind !== 'proposed') throw new Error('expected a proposal');
    expect(await h.store.grants.get(CAROL_ID, 'pm.repay-debt')).toBeUndefined();
    const { proposal } = result;

    expect((await refusal(h.proposals.approve(alice(), proposal.id))).message).toMatch(/You proposed this change, so you cannot approve it/);
    expect((await refusal(h.proposals.approve(carol(), proposal.id))).message).toMatch(/This change is about you, so you cannot approve it/);
    expect((await refusal(h.proposals.approve(dave(), proposal.id))).message).toMatch(/only another holder of `access.admin` or a root admin can approve/);
    await h.proposals.approve(bob(), proposal.id);
    expect((await h.store.grants.get(CAROL_ID, 'pm.repay-debt'))?.caps).toEqual([{ asset: 'BTC', maxAmount: '0.1', dailyMax: null }]);
    // A second click (or process) finds it applied.
    expect((await refusal(h.proposals.approve(h.actor(ADMIN_ID, 'admin'), proposal.id))).message).toMatch(/already approved by bob and applied; it applies only once/);

    const rows = (await h.store.log.forAction(proposal.id)).map((row) => [row.event, row.user_id, row.action_key]);
    // Carol and dave held no grant: their refusals are counted, not logged (refusals.ts).
    expect(rows).toEqual([
      ['proposed', ALICE_ID, 'access.admin'],
      ['refused', ALICE_ID, 'access.admin'],
      ['approved', BOB_ID, 'access.admin'],
      ['grant', BOB_ID, 'pm.repay-debt'],
    ]);
    await h.store.refusals.flush();
    expect(await h.store.refusals.since(0)).toEqual([
      { userId: CAROL_ID, refused: 1, invalid: 0 },
      { userId: DAVE_ID, refused: 1, invalid: 0 },
    ]);
    const change = (await h.store.log.forAction(proposal.id)).find((row) => row.event === 'grant');
    expect(change?.detail).toBe(`proposal ${proposal.id}: proposed by alice (${ALICE_ID}), approved by bob (${BOB_ID})`);
    const proposed = (await h.store.log.forAction(proposal.id))[0];
    expect(accessChange.parse(JSON.parse(proposed?.params_json ?? '{}').change)).toMatchObject({ kind: 'grant', user: CAROL_ID });
  });

  it('the sock account: access.admin granted by a delegated admin needs a root admin as the checker', async () => {
    await put(ALICE_ID, 'access.admin');
    await put(BOB_ID, 'access.admin');
    const result = await h.access.grant(alice(), { user: DAVE_ID, action: 'access.admin' });
    if (result.kind !== 'proposed') throw new Error('expected a proposal');
    expect(result.proposal.needsRoot).toBe(true);
    expect((await refusal(h.proposals.approve(bob(), result.proposal.id))).message).toMatch(/needs a root admin \(BOT_ADMIN_IDS\) as the proposer or the approver/);
    expect(await h.store.grants.get(DAVE_ID, 'access.admin')).toBeUndefined();
    await h.proposals.approve(admin(), result.proposal.id);
    expect((await h.store.grants.get(DAVE_ID, 'access.admin'))?.role).toBe('requester');
  });

  it('raising a policy applies at once from any admin; lowering is a proposal (a root lowers at once)', async () => {
    await put(ALICE_ID, 'access.admin');
    await put(BOB_ID, 'access.admin');
    expect((await h.access.policy(alice(), { action: 'pm-pro.bankruptcy-repay', approvals: 1 })).kind).toBe('applied');
    expect(await h.store.grants.approvalsRequired('pm-pro.bankruptcy-repay')).toBe(1);
    const lowering = await h.access.policy(alice(), { action: 'pm-pro.bankruptcy-repay', approvals: 0 });
    expect(lowering.kind).toBe('proposed');
    expect(await h.store.grants.approvalsRequired('pm-pro.bankruptcy-repay')).toBe(1);
    if (lowering.kind === 'proposed') await h.proposals.reject(bob(), lowering.proposal.id);
    expect(await h.store.grants.approvalsRequired('pm-pro.bankruptcy-repay')).toBe(1);
    expect((await h.access.policy(admin(), { action: 'pm-pro.bankruptcy-repay', approvals: 0 })).kind).toBe('applied');
    expect(await h.store.grants.approvalsRequired('pm-pro.bankruptcy-repay')).toBe(0);
  });

  it('an approver-role admin may check but not propose', async () => {
    await put(BOB_ID, 'access.admin', 'approver');
    expect((await refusal(h.access.grant(bob(), { user: CAROL_ID, action: 'audit.read' }))).message).toMatch(/as an approver/);
  });

  it('a proposal whose target changed since is closed, not applied over the newer state', async () => {
    await put(ALICE_ID, 'access.admin');
    await put(BOB_ID, 'access.admin');
    const result = await h.access.grant(alice(), { user: CAROL_ID, action: 'pm.repay-debt', role: 'approver' });
    if (result.kind !== 'proposed') throw new Error('expected a proposal');
    await h.access.grant(admin(), { user: CAROL_ID, action: 'pm.repay-debt', asset: 'BTC', maxAmount: '1' });
    const error = await refusal(h.proposals.approve(bob(), result.proposal.id));
    expect(error).toMatchObject({ kind: 'revoked', message: expect.stringMatching(/changed by someone else since it was proposed\. Nothing changed/) });
    expect((await h.store.grants.get(CAROL_ID, 'pm.repay-debt'))?.role).toBe('requester');
    expect((await h.store.proposals.get(result.proposal.id))?.state).toBe('cancelled');
  });

  it('a proposal expires after CONFIRM_TIMEOUT_SECONDS (logged once), and its maker can withdraw one', async () => {
    await put(ALICE_ID, 'access.admin');
    await put(BOB_ID, 'access.admin');
    const proposalOf = async (result: Promise<Awaited<ReturnType<Harness['access']['grant']>>>) => {
      const done = await result;
      if (done.kind !== 'proposed') throw new Error('expected a proposal');
      return done.proposal;
    };
    const late = await proposalOf(h.access.grant(alice(), { user: CAROL_ID, action: 'audit.read' }));
    h.clock.now += 60_001;
    expect((await h.proposals.expireDue()).map((p) => p.id)).toEqual([late.id]);
    expect(await h.proposals.expireDue()).toEqual([]);
    expect(await refusal(h.proposals.approve(bob(), late.id))).toMatchObject({ kind: 'expired' });
    expect((await h.store.log.forAction(late.id)).map((row) => row.event)).toEqual(['proposed', 'expired']);

    const withdrawn = await proposalOf(h.access.grant(alice(), { user: CAROL_ID, action: 'audit.read' }));
    expect((await h.proposals.reject(alice(), withdrawn.id)).state).toBe('cancelled');
    expect(await refusal(h.proposals.approve(bob(), withdrawn.id))).toMatchObject({ kind: 'closed', message: expect.stringMatching(/withdrawn by its proposer/) });
    expect(await h.store.grants.get(CAROL_ID, 'audit.read')).toBeUndefined();
  });

  it('approving a proposal from two bot processes at once applies it once', async () => {
    await put(ALICE_ID, 'access.admin');
    await put(BOB_ID, 'access.admin');
    const result = await h.access.policy(alice(), { action: 'pm.repay-debt', approvals: 0 });
    expect(result.kind).toBe('applied'); // 0 → 0 is no lowering
    await h.access.policy(alice(), { action: 'pm.repay-debt', approvals: 1 });
    const lowering = await h.access.policy(alice(), { action: 'pm.repay-debt', approvals: 0 });
    if (lowering.kind !== 'proposed') throw new Error('expected a proposal');
    const other = await h.second();
    try {
      const clicks = await Promise.allSettled([
        h.proposals.approve(bob(), lowering.proposal.id),
        other.proposals.approve(admin(), lowering.proposal.id),
        other.proposals.approve(bob(), lowering.proposal.id),
        h.proposals.approve(admin(), lowering.proposal.id),
      ]);
      expect(clicks.filter((click) => click.status === 'fulfilled')).toHaveLength(1);
    } finally {
      await other.close();
    }
    const rows = (await h.store.log.forAction(lowering.proposal.id)).map((row) => row.event);
    expect(rows.filter((event) => event === 'policy')).toHaveLength(1);
    expect(rows.filter((event) => event === 'approved')).toHaveLength(1);
  });
});

describe('the log replays grants and policies', () => {
  it('applying every grant, revoke and policy row in order rebuilds the tables', async () => {
    await put(ALICE_ID, 'access.admin'); // written directly: not in the log, replayed below from the table's start
    const before = await h.store.grants.list();
    await h.access.grant(admin(), { user: BOB_ID, action: 'pm.repay-debt', asset: 'BTC', maxAmount: '1', dailyMax: '2' });
    await h.access.grant(admin(), { user: BOB_ID, action: 'pm.repay-debt', asset: 'BNB', dailyMax: '10' });
    await h.access.grant(admin(), { user: CAROL_ID, action: 'futures.margin-type', role: 'approver' });
    await h.access.policy(admin(), { action: 'futures.margin-type', approvals: 1 });
    const proposed = await h.access.revoke(alice(), { user: CAROL_ID, action: 'futures.margin-type' });
    if (proposed.kind === 'proposed') await h.proposals.approve(admin(), proposed.proposal.id);
    await h.access.grant(admin(), { user: CAROL_ID, action: 'audit.read' });

    const grants = new Map(before.map((grant) => [`${grant.userId}|${grant.actionKey}|${grant.account}`, grantFromParams({ user: grant.userId, action: grant.actionKey, account: grant.account, role: grant.role, caps: [] })]));
    const policies = new Map<string, 0 | 1>();
    for (const row of (await h.store.log.recent({ limit: 1000 })).reverse()) {
      const params: unknown = JSON.parse(row.params_json ?? 'null');
      if (row.event === 'grant') {
        const grant = grantFromParams(grantParams.parse(params));
        grants.set(`${grant.userId}|${grant.actionKey}|${grant.account}`, grant);
      } else if (row.event === 'revoke') {
        const revoke = revokeParams.parse(params);
        grants.delete(`${revoke.user}|${revoke.action}|${revoke.account}`);
      } else if (row.event === 'policy') {
        const policy = policyParams.parse(params);
        policies.set(`${policy.action}|${policy.account}`, policy.approvals);
      }
    }
    const tables = await h.store.grants.list();
    expect([...grants.values()].sort((a, b) => `${a.userId}${a.actionKey}`.localeCompare(`${b.userId}${b.actionKey}`))).toEqual(
      tables.map(({ grantedBy: _by, grantedAt: _at, ...grant }) => grant),
    );
    expect(Object.fromEntries(policies)).toEqual(Object.fromEntries((await h.store.grants.policies()).map((p) => [`${p.actionKey}|${p.account}`, p.approvals])));
  });
});
