// Review of issue 12 (the insider-proof trail): FAILING today.
//
// verify-log's `access` check compares the grants, policies and freeze tables
// with what the log's change rows leave, at the moment it runs. An insider
// with the database file changes who may do what by SQL, makes the bot move
// money under that change, and puts the tables back. Every check then passes:
// the chain is intact (the bot wrote every row itself, keyed), the tables are
// what the log explains, and the `requested` / `sent` rows of a person the
// log never allowed to act stand unexplained. Nothing at the click reads the
// log's own account of who may do what, and verify-log does not replay it
// against the actions.
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

describe('who may do what, changed by SQL for one action and put back', () => {
  it('a grant inserted for one repay and deleted after it: the money moved and verify-log (with the key) calls the log intact', async () => {
    // The insider (no grant of any kind) gives themselves the action for a moment.
    await h.store.db.run("INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, ?, '*', 'requester', ?, 0)", [MALLORY_ID, REPAY, ADMIN_ID]);
    expect(await requestAndSend(MALLORY_ID, 'mallory', { asset: 'USDT', amount: '9000' })).toBe('success');
    await h.store.db.run('DELETE FROM grants WHERE user_id = ?', [MALLORY_ID]);
    expect(repays()).toHaveLength(1);

    const verdict = await verifyLog();
    // The log's own rows say mallory was never granted pm.repay-debt, yet it holds her request and its send.
    expect(verdict.status).toBe('broken');
    expect(verdict.results.find((result) => result.name === 'access')?.summary).toMatch(/mallory|100000000000000066/);
  });

  it('a per-request cap raised by SQL for one repay and put back: 9000 USDT sent under a logged cap of 100, verify-log intact', async () => {
    await h.access.grant(admin(), { user: ALICE_ID, action: REPAY, asset: 'USDT', maxAmount: '100' });
    await h.store.db.run("UPDATE grant_caps SET max_amount = '10000' WHERE user_id = ?", [ALICE_ID]);
    expect(await requestAndSend(ALICE_ID, 'alice', { asset: 'USDT', amount: '9000' })).toBe('success');
    await h.store.db.run("UPDATE grant_caps SET max_amount = '100' WHERE user_id = ?", [ALICE_ID]);
    expect(repays()).toHaveLength(1);

    expect((await verifyLog()).status).toBe('broken');
  });

  it('a two-person policy deleted by SQL for one request and put back: sent on one click, verify-log intact', async () => {
    await h.access.grant(admin(), { user: ALICE_ID, action: REPAY });
    await h.access.grant(admin(), { user: BOB_ID, action: REPAY });
    await h.access.policy(admin(), { action: REPAY, approvals: 1 });
    const [policy] = await h.store.db.all<Record<string, string | number>>('SELECT * FROM policies');
    await h.store.db.run('DELETE FROM policies');
    // Alice's request is made (and logged) under "no approval needed"; her own Confirm sends it.
    expect(await requestAndSend(ALICE_ID, 'alice', { asset: 'USDT', amount: '9000' })).toBe('success');
    await h.store.db.run('INSERT INTO policies (action_key, account, approvals, set_by, set_at) VALUES (?, ?, ?, ?, ?)', [
      policy?.action_key ?? '',
      policy?.account ?? '',
      policy?.approvals ?? 1,
      policy?.set_by ?? '',
      policy?.set_at ?? 0,
    ]);
    expect(repays()).toHaveLength(1);

    expect((await verifyLog()).status).toBe('broken');
  });

  it('the freeze deleted by SQL for one repay and put back as it was: sent while the log says frozen, verify-log intact', async () => {
    await h.access.grant(admin(), { user: ALICE_ID, action: REPAY });
    await h.freeze.engage(admin(), 'incident 42: stop everything');
    const [frozen] = await h.store.db.all<Record<string, string | number>>('SELECT * FROM freeze');
    await h.store.db.run('DELETE FROM freeze');
    expect(await requestAndSend(ALICE_ID, 'alice', { asset: 'USDT', amount: '9000' })).toBe('success');
    await h.store.db.run('INSERT INTO freeze (id, reason, by_id, by_tag, since) VALUES (1, ?, ?, ?, ?)', [frozen?.reason ?? '', frozen?.by_id ?? '', frozen?.by_tag ?? '', frozen?.since ?? 0]);
    expect(repays()).toHaveLength(1);

    expect((await verifyLog()).status).toBe('broken');
  });
});
