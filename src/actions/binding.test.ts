// The stored action is never trusted by itself: each test rewrites a pending
// action's row as someone with write access to the database file would, then
// clicks, and checks that nothing reached Binance, that the action was closed
// and that a `tamper` row says what differed.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, createHarness, type Harness } from '../../test/support/harness.ts';
import { claimed, refusal } from '../../test/support/outcomes.ts';
import { rowHash } from '../store/log-chain.ts';
import type { LogRow } from '../store/index.ts';
import { TAMPERED } from './tamper.ts';

const KEY = 'audit-log-key-for-binding-tests-000000000001';
const MARKET_ORDER = [
  ['symbol', 'BTCUSDT'],
  ['side', 'BUY'],
  ['type', 'MARKET'],
  ['quantity', '100'],
];

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function grant(userId: string, actionKey: string): Promise<void> {
  await h.putGrant({ userId, actionKey, account: '*', role: 'requester', caps: [] });
}

/** UPDATE pending_actions as an insider with the file would. */
async function rewrite(actionId: string, set: Readonly<Record<string, string | number>>): Promise<void> {
  for (const [column, value] of Object.entries(set)) await h.store.db.run(`UPDATE pending_actions SET ${column} = ? WHERE id = ?`, [value, actionId]);
}

async function tamperRows(actionId: string): Promise<LogRow[]> {
  return (await h.store.log.forAction(actionId)).filter((row) => row.event === 'tamper');
}

function binanceWrites(): number {
  return h.binance.requests.filter((request) => request.method === 'POST').length;
}

describe('the request is rebuilt at the click and bound to its logged row', () => {
  it('sends nothing when the stored request of a 0.01 BTC repay was rewritten to a market BUY of 100 BTC: closed, a tamper row', async () => {
    h = await createHarness();
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' });
    const stored = JSON.parse(view.action.requestJson) as Record<string, unknown>;
    await rewrite(view.action.id, { request_json: JSON.stringify({ ...stored, path: '/papi/v1/um/order', params: MARKET_ORDER }) });

    const error = await refusal(h.service.confirm(admin, view.action.id));
    expect(error.kind).toBe('tampered');
    expect(error.message).toMatch(/does not match what was requested and logged.*Nothing was sent/);
    expect(binanceWrites()).toBe(0);
    const action = await h.service.find(view.action.id);
    expect([action?.state, action?.closedReason]).toEqual(['cancelled', TAMPERED]);
    const [tamper] = await tamperRows(view.action.id);
    expect(tamper).toMatchObject({ event: 'tamper', action_key: 'pm.repay-debt', user_id: ADMIN_ID });
    expect(tamper?.detail).toContain('request: stored POST /papi/v1/um/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=100, logged and rebuilt POST /papi/v1/margin/repay-debt asset=BTC&amount=0.01');
    // A second click finds it closed.
    expect((await refusal(h.service.confirm(admin, view.action.id))).kind).toBe('closed');
    expect(binanceWrites()).toBe(0);
  });

  it('sends the request rebuilt from the declaration, and its requested row records everything the send is bound to', async () => {
    h = await createHarness();
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' });
    const outcome = await claimed(await h.service.confirm(admin, view.action.id)).run();
    expect(outcome.kind).toBe('success');
    expect(h.binance.requestsTo('/papi/v1/margin/repay-debt')[0]?.totalParams).toMatch(/^asset=BTC&amount=0\.01&recvWindow=5000&timestamp=\d+$/);
    const requested = (await h.store.log.forAction(view.action.id))[0];
    expect(JSON.parse(requested?.request_json ?? '{}')).toEqual({
      family: 'papi',
      method: 'POST',
      path: '/papi/v1/margin/repay-debt',
      params: 'asset=BTC&amount=0.01',
      target: { baseUrl: h.binance.url, dryRun: false },
      account: 'main',
      approvalsRequired: 0,
      expiresAt: view.action.expiresAt,
      amount: { asset: 'BTC', amount: '0.01' },
    });
  });

  it('keeps the two-person rule when the stored approvals_required is lowered (and the policy with it)', async () => {
    h = await createHarness();
    await grant(ALICE_ID, 'pm.repay-negative-balance');
    await h.putPolicy({ actionKey: 'pm.repay-negative-balance', account: '*', approvals: 1 });
    const alice = h.actor(ALICE_ID, 'alice');
    const view = await h.service.request(alice, h.endpoint('pm.repay-negative-balance'), {});
    await rewrite(view.action.id, { approvals_required: 0 });
    await h.store.db.run("DELETE FROM policies WHERE action_key = 'pm.repay-negative-balance'");

    expect((await refusal(h.service.confirm(alice, view.action.id))).kind).toBe('tampered');
    expect(binanceWrites()).toBe(0);
    expect((await tamperRows(view.action.id))[0]?.detail).toContain('approvals_required: stored 0, logged 1');
  });

  it('refuses a swapped action key and options pair, though the stored request was rebuilt to match them', async () => {
    h = await createHarness();
    await grant(ALICE_ID, 'futures.margin-type');
    await grant(ALICE_ID, 'pm.repay-debt');
    const alice = h.actor(ALICE_ID, 'alice');
    const view = await h.service.request(alice, h.endpoint('futures.margin-type'), { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' });
    // The insider makes the row a consistent 5 BTC repay: key, options, request and amount.
    const repay = { family: 'papi', method: 'POST', path: '/papi/v1/margin/repay-debt', params: [['asset', 'BTC'], ['amount', '5']], weight: { amount: 3000, kind: 'order' }, security: 'signed', target: { baseUrl: h.binance.url, dryRun: false } };
    await rewrite(view.action.id, { action_key: 'pm.repay-debt', options_json: '{"asset":"BTC","amount":"5"}', request_json: JSON.stringify(repay), amount_asset: 'BTC', amount: '5' });

    expect((await refusal(h.service.confirm(alice, view.action.id))).kind).toBe('tampered');
    expect(binanceWrites()).toBe(0);
    const detail = (await tamperRows(view.action.id))[0]?.detail ?? '';
    expect(detail).toContain('action_key: stored pm.repay-debt, logged futures.margin-type');
    expect(detail).toContain('amount: stored 5 BTC, logged null');
    expect((await tamperRows(view.action.id))[0]?.action_key).toBe('futures.margin-type');
  });

  it('refuses an expiry extended after the confirmation ran out', async () => {
    h = await createHarness();
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    h.clock.now += 61_000;
    await rewrite(view.action.id, { expires_at: h.clock.now + 3_600_000 });
    expect((await refusal(h.service.confirm(admin, view.action.id))).kind).toBe('tampered');
    expect((await tamperRows(view.action.id))[0]?.detail).toMatch(/expires_at: stored .*, logged /);
    expect(binanceWrites()).toBe(0);
  });

  it('stops a request rewritten between the click and the send, in the transaction that would write the sent row', async () => {
    h = await createHarness();
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' });
    const claim = claimed(await h.service.confirm(admin, view.action.id));
    await rewrite(view.action.id, { options_json: '{"asset":"BTC","amount":"50"}', amount: '50' });

    expect((await refusal(claim.run())).kind).toBe('tampered');
    expect(binanceWrites()).toBe(0);
    const events = (await h.store.log.forAction(view.action.id)).map((row) => row.event === 'outcome' ? `outcome:${row.outcome_kind}` : row.event);
    expect(events).toEqual(['requested', 'confirmed', 'tamper', 'outcome:not-sent']);
    expect((await h.service.find(view.action.id))?.state).toBe('failed');
  });

  it('replays nothing: a completed action put back to pending with its old expiry refreshed is refused', async () => {
    h = await createHarness();
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    expect((await claimed(await h.service.confirm(admin, view.action.id)).run()).kind).toBe('success');
    // Back to pending, as it was before the click (same expiry, still in the future).
    await rewrite(view.action.id, { state: 'pending' });
    await h.store.db.run('UPDATE pending_actions SET confirmed_at = NULL, claimed_by = NULL, claimed_at = NULL, outcome_kind = NULL, finished_at = NULL WHERE id = ?', [view.action.id]);
    expect((await refusal(h.service.confirm(admin, view.action.id))).kind).toBe('tampered');
    expect((await tamperRows(view.action.id))[0]?.detail).toMatch(/the log already closed this action \(row \d+: sent\)/);
    expect(h.binance.requestsTo('/papi/v1/repay-futures-negative-balance')).toHaveLength(1);
  });

  it('refuses an Approve on an action put in awaiting_approval without its requester’s Confirm', async () => {
    h = await createHarness();
    await grant(ALICE_ID, 'pm.repay-negative-balance');
    await grant(BOB_ID, 'pm.repay-negative-balance');
    const view = await h.service.request(h.actor(ALICE_ID, 'alice'), h.endpoint('pm.repay-negative-balance'), {});
    await rewrite(view.action.id, { state: 'awaiting_approval' });
    expect((await refusal(h.service.approve(h.actor(BOB_ID, 'bob'), view.action.id))).kind).toBe('tampered');
    expect((await tamperRows(view.action.id))[0]?.detail).toContain('the log holds no Confirm by the requester');
    expect(binanceWrites()).toBe(0);
  });

  it('binds an Approve to the approval window the Confirm logged: a window stretched in the row is refused', async () => {
    h = await createHarness();
    await grant(ALICE_ID, 'pm.repay-negative-balance');
    await grant(BOB_ID, 'pm.repay-negative-balance');
    await h.putPolicy({ actionKey: 'pm.repay-negative-balance', account: '*', approvals: 1 });
    const view = await h.service.request(h.actor(ALICE_ID, 'alice'), h.endpoint('pm.repay-negative-balance'), {});
    expect((await h.service.confirm(h.actor(ALICE_ID, 'alice'), view.action.id)).kind).toBe('awaiting-approval');
    h.clock.now += 61_000;
    await rewrite(view.action.id, { expires_at: h.clock.now + 60_000 });
    expect((await refusal(h.service.approve(h.actor(BOB_ID, 'bob'), view.action.id))).kind).toBe('tampered');
    expect(binanceWrites()).toBe(0);
  });

  it('with AUDIT_LOG_KEY, rewriting the requested row too (its plain hash recomputed) does not help: the row is not keyed', async () => {
    h = await createHarness({ auditLogKey: KEY });
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' });
    await rewrite(view.action.id, { options_json: '{"asset":"BTC","amount":"50"}', amount: '50' });
    // The insider also makes the logged row say 50, and seals it the only way they can: without the key.
    const [requested] = await h.store.log.forAction(view.action.id);
    if (requested === undefined) throw new Error('no requested row');
    const forged = { ...requested, params_json: '{"asset":"BTC","amount":"50"}', request_json: (requested.request_json ?? '').replaceAll('0.01', '50') };
    await h.store.db.exec('DROP TRIGGER action_log_no_update');
    await h.store.db.run("UPDATE action_log SET params_json = ?, request_json = ?, hash_scheme = 'sha256', hash = ? WHERE seq = ?", [
      forged.params_json,
      forged.request_json,
      rowHash(forged, 'sha256', undefined) ?? '',
      requested.seq,
    ]);

    expect((await refusal(h.service.confirm(admin, view.action.id))).kind).toBe('tampered');
    expect((await tamperRows(view.action.id))[0]?.detail).toMatch(/log row \d+ about this action fails its hash check: it is not keyed \(sha256\) although the log is/);
    expect(binanceWrites()).toBe(0);
  });
});
