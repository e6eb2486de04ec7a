// Review of issue 12 (the insider-proof trail).
//
// verify-log's `access` check compares the grants, policies and freeze tables
// with what the log's change rows leave, at the moment it runs. An insider
// with the database file changes who may do what by SQL, makes the bot move
// money under that change, and puts the tables back. Every check then passed:
// the chain intact (the bot wrote every row itself, keyed), the tables what the
// log explains, and the `requested` / `sent` rows of a person the log never
// allowed to act stood unexplained.
//
// Fixed at decision time, so these tests now assert the refusal (they first
// asserted the send, then that verify-log named it): the bot replays the
// log's change rows as it checks them (src/store/trail.ts) and compares the
// tables with them before every request, claim and send. A grant, cap, policy
// or freeze the log does not explain is a finding, never a right: nothing is
// sent, and the finding is a keyed `tamper` row that the put-back cannot undo.
import { describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, type Harness } from '../support/harness.ts';
import { claimed } from '../support/outcomes.ts';
import { useKeyedHarness, verifyWithKey } from './trail-support.ts';

const REPAY = 'pm.repay-debt';
const MALLORY_ID = '100000000000000066';

let h: Harness;
useKeyedHarness((harness) => {
  h = harness;
});

const admin = () => h.actor(ADMIN_ID, 'admin');
const repays = () => h.binance.requestsTo('/papi/v1/margin/repay-debt');

/** verify-log's checks, with the key, over the live file (no anchors: the rows are the bot's own, keyed). */
async function verifyLog() {
  return verifyWithKey(h.store.db);
}

async function requestAndSend(userId: string, tag: string, options: Record<string, string>) {
  const actor = h.actor(userId, tag);
  const view = await h.service.request(actor, h.endpoint(REPAY), options);
  return (await claimed(await h.service.confirm(actor, view.action.id)).run()).kind;
}

/** The attempt, refused as a change made outside the bot; nothing reaches Binance. */
async function refusedAsAltered(userId: string, tag: string, options: Record<string, string>): Promise<void> {
  await expect(requestAndSend(userId, tag, options)).rejects.toThrow(/changed outside the bot/);
  expect(repays()).toEqual([]);
}

/** The keyed `tamper` rows the log holds (what the audit channel shows), after the tables were put back. */
async function tamperRows(): Promise<string[]> {
  const rows = await h.store.db.all<{ detail: string }>("SELECT detail FROM action_log WHERE event = 'tamper' ORDER BY seq");
  return rows.map((row) => row.detail);
}

describe('who may do what, changed by SQL for one action and put back', () => {
  it('a grant inserted for one repay and deleted after it: refused, and the log keeps the finding', async () => {
    // The insider (no grant of any kind) gives themselves the action for a moment.
    await h.store.db.run("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, ?, '*', 'requester', ?, 0)", [MALLORY_ID, REPAY, ADMIN_ID]);
    await refusedAsAltered(MALLORY_ID, 'mallory', { asset: 'USDT', amount: '9000' });
    await h.store.db.run('DELETE FROM grants WHERE user_id = ?', [MALLORY_ID]);

    // Put back, the tables are what the log explains again; the keyed tamper row names what was done.
    expect((await verifyLog()).status).toBe('intact');
    expect(await tamperRows()).toEqual([expect.stringMatching(/the grant of `pm.repay-debt` of <@100000000000000066> .* is in the grants table, but no log row grants it/)]);
    expect(await h.store.db.all("SELECT 1 FROM action_log WHERE event IN ('requested', 'sent') AND user_id = ?", [MALLORY_ID])).toEqual([]);
  });

  it('a per-request cap raised by SQL for one repay and put back: refused under the logged cap of 100', async () => {
    await h.access.grant(admin(), { user: ALICE_ID, action: REPAY, asset: 'USDT', maxAmount: '100' });
    await h.store.db.run("UPDATE grant_caps SET max_amount = '10000' WHERE user_id = ?", [ALICE_ID]);
    await refusedAsAltered(ALICE_ID, 'alice', { asset: 'USDT', amount: '9000' });
    await h.store.db.run("UPDATE grant_caps SET max_amount = '100' WHERE user_id = ?", [ALICE_ID]);

    expect(await tamperRows()).toEqual([expect.stringMatching(/caps USDT ≤ 10000 in the table, but the log \(row \d+\) made it requester, caps USDT ≤ 100/)]);
  });

  it('a two-person policy deleted by SQL for one request and put back: refused, not sent on one click', async () => {
    await h.access.grant(admin(), { user: ALICE_ID, action: REPAY });
    await h.access.grant(admin(), { user: BOB_ID, action: REPAY });
    await h.access.policy(admin(), { action: REPAY, approvals: 1 });
    const [policy] = await h.store.db.all<Record<string, string | number>>('SELECT * FROM policies');
    await h.store.db.run('DELETE FROM policies');
    // Alice's request would be made under "no approval needed", and her own Confirm would send it.
    await refusedAsAltered(ALICE_ID, 'alice', { asset: 'USDT', amount: '9000' });
    await h.store.db.run('INSERT INTO policies (action_key, account, approvals, set_by, set_at) VALUES (?, ?, ?, ?, ?)', [
      policy?.action_key ?? '',
      policy?.account ?? '',
      policy?.approvals ?? 1,
      policy?.set_by ?? '',
      policy?.set_at ?? 0,
    ]);

    expect(await tamperRows()).toEqual([expect.stringMatching(/sets the policy of `pm.repay-debt` \(approvals: 1\), but the policies table has no such row/)]);
  });

  it('the freeze deleted by SQL for one repay and put back as it was: refused while the log says frozen', async () => {
    await h.access.grant(admin(), { user: ALICE_ID, action: REPAY });
    await h.freeze.engage(admin(), 'incident 42: stop everything');
    const [frozen] = await h.store.db.all<Record<string, string | number>>('SELECT * FROM freeze');
    await h.store.db.run('DELETE FROM freeze');
    await refusedAsAltered(ALICE_ID, 'alice', { asset: 'USDT', amount: '9000' });
    await h.store.db.run('INSERT INTO freeze (id, reason, by_id, by_tag, since) VALUES (1, ?, ?, ?, ?)', [frozen?.reason ?? '', frozen?.by_id ?? '', frozen?.by_tag ?? '', frozen?.since ?? 0]);

    expect(await tamperRows()).toEqual([expect.stringMatching(/leaves the bot frozen \(by admin: incident 42: stop everything\), but the freeze table is empty/)]);
  });
});
