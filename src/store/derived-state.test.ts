// Grants, policies and the freeze rebuilt from the log and compared with their
// tables: what the bot did through its own commands is explained; what an
// insider wrote straight into the database is named.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, createHarness, type Harness } from '../../test/support/harness.ts';
import { runLogChecks, type CheckResult } from './index.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const admin = () => h.actor(ADMIN_ID, 'admin');

async function accessCheck(): Promise<CheckResult | undefined> {
  const verdict = await runLogChecks({ db: h.store.db, key: undefined, anchors: undefined });
  return verdict.results.find((result) => result.name === 'access');
}

/** A desk's history made through the bot: grants with caps, a re-grant, a revoke, a policy, a freeze. */
async function history(): Promise<void> {
  await h.access.grant(admin(), { user: ALICE_ID, action: 'pm.repay-debt', asset: 'BTC', maxAmount: '0.5', dailyMax: '2' });
  await h.access.grant(admin(), { user: ALICE_ID, action: 'pm.repay-debt', asset: 'USDT', maxAmount: '1000' });
  await h.access.grant(admin(), { user: BOB_ID, action: 'futures.margin-type', role: 'approver' });
  await h.access.grant(admin(), { user: BOB_ID, action: 'audit.read' });
  await h.access.revoke(admin(), { user: BOB_ID, action: 'audit.read' });
  await h.access.policy(admin(), { action: 'pm.repay-debt', approvals: 1 });
  await h.freeze.engage(h.actor(BOB_ID, 'bob'), 'drill');
}

describe('the grants, policies and freeze the log explains', () => {
  it('finds every table explained by the bot’s own changes, the freeze compared by reason and who', async () => {
    await history();
    expect(await accessCheck()).toMatchObject({ status: 'ok', summary: '2 grants, 1 policies, frozen by bob: the tables are what the log explains' });
    await h.freeze.release(admin());
    expect((await accessCheck())?.summary).toBe('2 grants, 1 policies, not frozen: the tables are what the log explains');
  });

  it('names a grant inserted by SQL', async () => {
    await history();
    await h.store.db.run("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, 'pm-pro.bankruptcy-repay', '*', 'requester', ?, 0)", [BOB_ID, ADMIN_ID]);
    const check = await accessCheck();
    expect(check?.status).toBe('broken');
    expect(check?.summary).toBe(`BROKEN: the grants, policies or freeze do not match the log: the grant of \`pm-pro.bankruptcy-repay\` of <@${BOB_ID}> (requester, no caps) is in the grants table, but no log row grants it`);
  });

  it('names a cap raised, a role changed, a grant deleted, a policy lowered and a freeze lifted, each by SQL', async () => {
    await history();
    await h.store.db.run("UPDATE grant_caps SET max_amount = '50' WHERE user_id = ? AND asset = 'BTC'", [ALICE_ID]);
    await h.store.db.run("UPDATE grants SET role = 'requester' WHERE user_id = ? AND action_key = 'futures.margin-type'", [BOB_ID]);
    await h.store.db.run("UPDATE policies SET approvals = 0 WHERE action_key = 'pm.repay-debt'");
    await h.store.db.run('DELETE FROM freeze');
    const check = await accessCheck();
    expect(check?.status).toBe('broken');
    expect(check?.summary).toMatch(/^BROKEN: the grants, policies or freeze do not match the log: 4 differences$/);
    expect(check?.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^the grant of \`pm.repay-debt\` of <@${ALICE_ID}> is requester, caps BTC ≤ 50 \\(2/day\\), USDT ≤ 1000 in the table, but the log \\(row \\d+\\) made it requester, caps BTC ≤ 0.5 \\(2/day\\), USDT ≤ 1000$`)),
        expect.stringMatching(new RegExp(`^the grant of \`futures.margin-type\` of <@${BOB_ID}> is requester, no caps in the table, but the log \\(row \\d+\\) made it approver, no caps$`)),
        expect.stringMatching(/^the policy of `pm.repay-debt` is approvals: 0 in the table, but the log \(row \d+\) set approvals: 1$/),
        expect.stringMatching(/^the log \(row \d+\) leaves the bot frozen \(by bob: drill\), but the freeze table is empty$/),
      ]),
    );
    await h.store.db.run('DELETE FROM grants WHERE user_id = ? AND action_key = ?', [BOB_ID, 'futures.margin-type']);
    expect((await accessCheck())?.notes).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^the log \\(row \\d+\\) grants \`futures.margin-type\` of <@${BOB_ID}> \\(approver, no caps\\), but the grants table has no such grant$`))]));
  });

  it('replays rows written before migration 6 with their meaning: a grant added one asset’s cap to what was there', async () => {
    // Legacy rows as the first version wrote them, and the tables as migration 6 left them.
    await h.store.log.append({ event: 'grant', userId: ADMIN_ID, actionKey: 'pm.repay-debt', params: { user: ALICE_ID, action: 'pm.repay-debt', limit: { asset: 'BTC', maxAmount: '1' } } });
    await h.store.log.append({ event: 'grant', userId: ADMIN_ID, actionKey: 'pm.repay-debt', params: { user: ALICE_ID, action: 'pm.repay-debt', limit: { asset: 'ETH', maxAmount: '10' } } });
    await h.store.log.append({ event: 'grant', userId: ADMIN_ID, actionKey: 'audit.read', params: { user: BOB_ID, action: 'audit.read' } });
    await h.store.log.append({ event: 'revoke', userId: ADMIN_ID, actionKey: 'audit.read', params: { user: BOB_ID, action: 'audit.read' } });
    await h.store.log.append({ event: 'policy', userId: ADMIN_ID, actionKey: 'pm.repay-debt', params: { action: 'pm.repay-debt', approvals: 1 } });
    await h.store.db.transaction(async (tx) => {
      await h.store.grants.put(tx, { userId: ALICE_ID, actionKey: 'pm.repay-debt', account: '*', role: 'requester', caps: [{ asset: 'BTC', maxAmount: '1', dailyMax: null }, { asset: 'ETH', maxAmount: '10', dailyMax: null }] }, ADMIN_ID, 0);
      await h.store.grants.setPolicy(tx, { actionKey: 'pm.repay-debt', account: '*', approvals: 1 }, ADMIN_ID, 0);
    });
    expect(await accessCheck()).toMatchObject({ status: 'ok', summary: '1 grants, 1 policies, not frozen: the tables are what the log explains' });
  });
});
