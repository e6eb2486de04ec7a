// The pipeline without Discord: claims, expiry, who may click, restarts,
// two-person approval, grants, and what the action log holds for each path.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, TEST_SECRET, createHarness, logChange, type Harness } from '../../test/support/harness.ts';
import { claimed, refusal } from '../../test/support/outcomes.ts';
import type { ClaimedAction } from './service.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const MARGIN_TYPE = { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' };

async function grant(userId: string, actionKey: string, cap?: { asset: string; maxAmount: string }) {
  const caps = cap === undefined ? [] : [{ ...cap, dailyMax: null }];
  await h.putGrant({ userId, actionKey, account: '*', role: 'requester', caps });
}

async function policy(actionKey: string, approvals: 0 | 1) {
  await h.putPolicy({ actionKey, account: '*', approvals });
}


async function events(actionId: string): Promise<string[]> {
  return (await h.store.log.forAction(actionId)).map((row) => (row.event === 'outcome' ? `outcome:${row.outcome_kind}` : row.event));
}


describe('confirmation', () => {
  it('runs a confirmed action exactly once under twenty concurrent clicks from two bot processes', async () => {
    const alice = h.actor(ALICE_ID, 'alice');
    await grant(ALICE_ID, 'futures.margin-type');
    const view = await h.service.request(alice, h.endpoint('futures.margin-type'), MARGIN_TYPE);
    const other = await h.second();
    try {
      const clicks = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? h.service : other.service).confirm(alice, view.action.id)),
      );
      const winners = clicks.filter((click) => click.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const loser of clicks.filter((click) => click.status === 'rejected')) {
        expect((loser as PromiseRejectedResult).reason).toMatchObject({ kind: 'closed', message: expect.stringMatching(/already being sent/) });
      }
      const winner = (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<Harness['service']['confirm']>>>).value;
      expect((await claimed(winner).run()).kind).toBe('success');
    } finally {
      await other.close();
    }
    expect(h.binance.requestsTo('/fapi/v1/marginType')).toHaveLength(1);
    expect(await events(view.action.id)).toEqual(['requested', 'confirmed', 'sent', 'outcome:success']);
    // A late click after completion says so and sends nothing.
    const late = await refusal(h.service.confirm(alice, view.action.id));
    expect(late.message).toMatch(/already sent \(result: success\); it runs only once/);
    expect(h.binance.requestsTo('/fapi/v1/marginType')).toHaveLength(1);
  });

  it('refuses a Confirm click from anyone but the requester, and leaves the action pending', async () => {
    await grant(ALICE_ID, 'futures.margin-type');
    await grant(BOB_ID, 'futures.margin-type');
    const view = await h.service.request(h.actor(ALICE_ID, 'alice'), h.endpoint('futures.margin-type'), MARGIN_TYPE);
    const error = await refusal(h.service.confirm(h.actor(BOB_ID, 'bob'), view.action.id));
    expect(error).toMatchObject({ kind: 'refused', message: 'Only alice, who asked for this action, can confirm or cancel it.' });
    expect(await refusal(h.service.cancel(h.actor(BOB_ID, 'bob'), view.action.id))).toMatchObject({ kind: 'refused' });
    expect((await h.service.find(view.action.id))?.state).toBe('pending');
    expect(h.binance.requests.filter((r) => r.path === '/fapi/v1/marginType')).toHaveLength(0);
    expect((await claimed(await h.service.confirm(h.actor(ALICE_ID, 'alice'), view.action.id)).run()).kind).toBe('success');
  });

  it('expires: a click after the window says so, sends nothing, and the log shows it', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.1' });
    h.clock.now += 60_001;
    const error = await refusal(h.service.confirm(admin, view.action.id));
    expect(error).toMatchObject({ kind: 'expired', message: expect.stringMatching(/expired; nothing was sent/) });
    expect((await h.service.find(view.action.id))?.state).toBe('expired');
    expect(await events(view.action.id)).toEqual(['requested', 'expired']);
    expect(h.binance.requests).toHaveLength(0);
  });

  it('expires due actions in the background sweep, once', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const first = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    h.clock.now += 30_000;
    const second = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    h.clock.now += 30_001;
    expect((await h.service.expireDue()).map((action) => action.id)).toEqual([first.action.id]);
    expect(await h.service.expireDue()).toEqual([]);
    expect((await h.service.find(second.action.id))?.state).toBe('pending');
  });

  it('cancels: the action is closed, a later Confirm is refused, nothing is sent', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm-pro.bankruptcy-repay'), {});
    expect((await h.service.cancel(admin, view.action.id)).state).toBe('cancelled');
    expect(await refusal(h.service.confirm(admin, view.action.id))).toMatchObject({ kind: 'closed', message: 'This action was cancelled; nothing was sent.' });
    expect(await events(view.action.id)).toEqual(['requested', 'cancelled']);
    expect(h.binance.requests).toHaveLength(0);
  });

  it('survives a restart between the request and the Confirm', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.2' });
    await h.restart();
    const outcome = await claimed(await h.service.confirm(admin, view.action.id)).run();
    expect(outcome.kind).toBe('success');
    expect(h.binance.requestsTo('/papi/v1/margin/repay-debt')[0]?.params).toMatchObject({ asset: 'BTC', amount: '0.2' });
    expect(await events(view.action.id)).toEqual(['requested', 'confirmed', 'sent', 'outcome:success']);
  });

  it('after a crash mid-call, recovery records the outcome as UNKNOWN (sent) or not sent', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const sent = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    claimed(await h.service.confirm(admin, sent.action.id));
    await h.store.log.append({ event: 'sent', actionId: sent.action.id, actionKey: 'pm.repay-negative-balance', userId: ADMIN_ID });
    const unsent = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    // An identical request still in flight: the second needs "Send anyway".
    claimed(await h.service.confirm(admin, unsent.action.id, undefined, true));
    await h.restart(); // neither run() happened: the process "died"

    const recovered = await h.service.recoverInterrupted();
    expect(recovered.map((r) => [r.action.id, r.outcome])).toEqual([
      [sent.action.id, 'unknown'],
      [unsent.action.id, 'not-sent'],
    ]);
    expect(await events(sent.action.id)).toEqual(['requested', 'confirmed', 'sent', 'outcome:unknown']);
    expect(await events(unsent.action.id)).toEqual(['requested', 'confirmed', 'outcome:not-sent']);
    expect((await h.store.log.unknownOutcomes(5)).map((row) => row.action_id)).toEqual([sent.action.id]);
  });

  it("leaves another live process's in-flight action alone until it is stale", async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    // Claimed by a process on another host that is still running (as far as anyone here can tell).
    const other = await h.second({ instanceId: 'other-host:4242:abcd' });
    await other.service.heartbeat();
    claimed(await other.service.confirm(admin, view.action.id));
    expect(await h.service.recoverInterrupted()).toEqual([]);
    h.clock.now += 8_000;
    await other.service.heartbeat(); // still beating: still its own
    h.clock.now += 8_000;
    expect(await h.service.recoverInterrupted()).toEqual([]);
    h.clock.now += 11_000; // no beat for 11 s: gone
    expect((await h.service.recoverInterrupted()).map((r) => [r.action.id, r.outcome])).toEqual([[view.action.id, 'not-sent']]);
    await other.close();
  });

  it('closes its own action as UNKNOWN once it is older than any call could take (an outcome that could not be recorded)', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    claimed(await h.service.confirm(admin, view.action.id));
    await h.store.log.append({ event: 'sent', actionId: view.action.id, actionKey: 'pm.repay-negative-balance', userId: ADMIN_ID });
    expect(await h.service.recoverInterrupted()).toEqual([]);
    h.clock.now += 121_000;
    expect((await h.service.recoverInterrupted()).map((r) => r.outcome)).toEqual(['unknown']);
  });

  it('does not send when the claim was taken away before the "sent" row (another process recovered it)', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    const mine = claimed(await h.service.confirm(admin, view.action.id));
    h.clock.now += 121_000;
    const other = await h.second({ instanceId: 'other-host:4242:abcd' });
    expect((await other.service.recoverInterrupted()).map((r) => r.outcome)).toEqual(['not-sent']);
    expect(await refusal(mine.run())).toMatchObject({ kind: 'closed', message: expect.stringMatching(/Another bot process closed this action/) });
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
    expect(await events(view.action.id)).toEqual(['requested', 'confirmed', 'outcome:not-sent']);
    await other.close();
  });

  it('a confirmation shown in dry-run, clicked in a live process, is closed and not sent', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const dry = await h.second({ dryRun: true });
    const view = await dry.service.request(admin, h.endpoint('futures.margin-type'), MARGIN_TYPE);
    await dry.close();
    const refused = await refusal(h.service.confirm(admin, view.action.id));
    expect(refused).toMatchObject({ kind: 'revoked', message: expect.stringMatching(/in DRY-RUN, now http:\/\/127\.0\.0\.1:\d+\. Nothing was sent/) });
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
    expect((await h.store.pending.get(view.action.id))?.state).toBe('cancelled');
    expect(await events(view.action.id)).toEqual(['requested', 'refused']);
  });

  it('a confirmation shown for one Binance host is not sent to another', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const elsewhere = await h.second({ baseUrl: 'https://demo-fapi.binance.com' });
    const view = await elsewhere.service.request(admin, h.endpoint('futures.margin-type'), MARGIN_TYPE);
    await elsewhere.close();
    expect(await refusal(h.service.confirm(admin, view.action.id))).toMatchObject({ kind: 'revoked', message: expect.stringMatching(/shown for https:\/\/demo-fapi\.binance\.com/) });
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
  });

  it('logs a Binance timeout as UNKNOWN after a sent row written before the request left', async () => {
    h.binance.failNext('/papi/v1/repay-futures-negative-balance', { kind: 'delay', ms: 3_000 });
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-negative-balance'), {});
    const outcome = await claimed(await h.service.confirm(admin, view.action.id)).run();
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    const rows = await h.store.log.forAction(view.action.id);
    const sentRow = rows.find((row) => row.event === 'sent');
    const request = h.binance.requestsTo('/papi/v1/repay-futures-negative-balance')[0];
    expect(sentRow!.at_ms).toBeLessThanOrEqual(request!.at);
    expect(JSON.parse(sentRow!.request_json!)).toMatchObject({ family: 'papi', path: '/papi/v1/repay-futures-negative-balance', params: request!.totalParams });
    expect(rows.at(-1)).toMatchObject({ event: 'outcome', outcome_kind: 'unknown', detail: expect.stringMatching(/UNKNOWN/) });
    expect(h.binance.requestsTo('/papi/v1/repay-futures-negative-balance')).toHaveLength(1);
  });
});

describe('authorization', () => {
  it('refuses a user without a grant before anything is stored or sent, and only counts it: no log row, none of their text kept', async () => {
    const error = await refusal(h.service.request(h.actor(ALICE_ID, 'alice'), h.endpoint('pm.repay-debt'), { asset: 'BTC' }));
    expect(error).toMatchObject({ kind: 'refused', message: expect.stringMatching(/not been granted `pm.repay-debt`.*Nothing was sent/) });
    const junk = await refusal(h.service.request(h.actor(ALICE_ID, 'alice'), h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '=HYPERLINK("x")' }));
    expect(junk.kind).toBe('invalid');
    expect(await h.store.db.get('SELECT COUNT(*) AS n FROM pending_actions')).toEqual({ n: 0 });
    expect(await h.store.log.recent({ limit: 5 })).toEqual([]);
    await h.store.refusals.flush();
    expect(await h.store.refusals.since(0)).toEqual([{ userId: ALICE_ID, refused: 1, invalid: 1 }]);
    expect(JSON.stringify(await h.store.db.all('SELECT * FROM refusal_counts'))).not.toContain('HYPERLINK');
  });

  it('logs a refusal in full for someone who holds a grant (of another action)', async () => {
    await grant(ALICE_ID, 'futures.margin-type');
    await refusal(h.service.request(h.actor(ALICE_ID, 'alice'), h.endpoint('pm.repay-debt'), { asset: 'BTC' }));
    expect((await h.store.log.recent({ limit: 1 }))[0]).toMatchObject({ event: 'refused', user_id: ALICE_ID, action_key: 'pm.repay-debt' });
  });

  it('applies per-asset caps before the confirmation: above the cap, no amount, or an uncapped asset', async () => {
    await grant(ALICE_ID, 'pm.repay-debt', { asset: 'BTC', maxAmount: '0.5' });
    const alice = h.actor(ALICE_ID, 'alice');
    await h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.5' });
    expect(await refusal(h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.50000001' }))).toMatchObject({
      message: expect.stringMatching(/0.50000001 BTC is above your cap of 0.5 BTC/),
    });
    expect(await refusal(h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC' }))).toMatchObject({
      message: expect.stringMatching(/caps BTC \(0.5 BTC per request\); give an amount/),
    });
    expect(await refusal(h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'ETH', amount: '1' }))).toMatchObject({
      message: expect.stringMatching(/covers only 0.5 BTC per request, not ETH/),
    });
  });

  it('refuses the click when the grant was revoked since the request, and closes the request', async () => {
    await grant(ALICE_ID, 'futures.margin-type');
    const alice = h.actor(ALICE_ID, 'alice');
    const view = await h.service.request(alice, h.endpoint('futures.margin-type'), MARGIN_TYPE);
    await logChange(h.store, { kind: 'revoke', user: ALICE_ID, action: 'futures.margin-type', account: '*' });
    expect(await refusal(h.service.confirm(alice, view.action.id))).toMatchObject({ kind: 'revoked', message: expect.stringMatching(/closed and nothing was sent/) });
    expect((await h.service.find(view.action.id))?.state).toBe('cancelled');
    expect(await events(view.action.id)).toEqual(['requested', 'refused']);
    expect(h.binance.requests).toHaveLength(0);
  });
});

describe('two-person approval', () => {
  beforeEach(async () => {
    await policy('pm.repay-debt', 1);
    await grant(ALICE_ID, 'pm.repay-debt');
    await grant(BOB_ID, 'pm.repay-debt');
  });

  it("closes the request when the requester's cap shrank before the approval, without publishing the cap", async () => {
    const alice = h.actor(ALICE_ID, 'alice');
    const view = await h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.5' });
    await h.service.confirm(alice, view.action.id);
    await grant(ALICE_ID, 'pm.repay-debt', { asset: 'BTC', maxAmount: '0.1' });
    const closed = await refusal(h.service.approve(h.actor(BOB_ID, 'bob'), view.action.id));
    expect(closed.kind).toBe('revoked');
    expect(closed.message).toMatch(/^Closed: alice, who asked for it, no longer holds `pm.repay-debt` for this request/);
    expect(closed.message).not.toMatch(/0\.1|cap of/);
    expect(h.binance.requests).toHaveLength(0);
    const refusedRow = (await h.store.log.forAction(view.action.id)).find((row) => row.event === 'refused');
    expect(refusedRow?.detail).toMatch(/0\.1/); // the log keeps the precise reason
  });

  it('waits for a different holder to approve, then runs once', async () => {
    const alice = h.actor(ALICE_ID, 'alice');
    const view = await h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.1' });
    expect(view.approvalsRequired).toBe(1);
    const waiting = await h.service.confirm(alice, view.action.id);
    expect(waiting.kind).toBe('awaiting-approval');
    expect(h.binance.requests).toHaveLength(0);

    expect(await refusal(h.service.approve(alice, view.action.id))).toMatchObject({ kind: 'refused', message: expect.stringMatching(/cannot approve it/) });
    expect(await refusal(h.service.approve(h.actor(CAROL_ID, 'carol'), view.action.id))).toMatchObject({ kind: 'refused' });

    const bob = h.actor(BOB_ID, 'bob');
    const approvals = await Promise.allSettled([h.service.approve(bob, view.action.id), h.service.approve(h.actor(ADMIN_ID, 'admin'), view.action.id)]);
    const won = approvals.filter((a): a is PromiseFulfilledResult<ClaimedAction> => a.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect((await won[0]!.value.run()).kind).toBe('success');
    expect(h.binance.requestsTo('/papi/v1/margin/repay-debt')).toHaveLength(1);
    // The self-approval is logged; carol's (no grant) is counted.
    expect(await events(view.action.id)).toEqual(['requested', 'confirmed', 'refused', 'approved', 'sent', 'outcome:success']);
    await h.store.refusals.flush();
    expect(await h.store.refusals.since(0)).toEqual([{ userId: CAROL_ID, refused: 1, invalid: 0 }]);
  });

  it('a reject closes it; the requester withdrawing counts as cancel', async () => {
    const alice = h.actor(ALICE_ID, 'alice');
    const first = await h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.1' });
    await h.service.confirm(alice, first.action.id);
    expect((await h.service.reject(h.actor(BOB_ID, 'bob'), first.action.id)).state).toBe('rejected');
    expect(await refusal(h.service.approve(h.actor(BOB_ID, 'bob'), first.action.id))).toMatchObject({ kind: 'closed', message: expect.stringMatching(/rejected by bob/) });

    const second = await h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.1' });
    await h.service.confirm(alice, second.action.id);
    expect((await h.service.reject(alice, second.action.id)).state).toBe('cancelled');
    expect(h.binance.requests).toHaveLength(0);
  });

  it('expires like any other request', async () => {
    const alice = h.actor(ALICE_ID, 'alice');
    const view = await h.service.request(alice, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.1' });
    await h.service.confirm(alice, view.action.id);
    h.clock.now += 60_001;
    expect(await refusal(h.service.approve(h.actor(BOB_ID, 'bob'), view.action.id))).toMatchObject({ kind: 'expired' });
    expect(await events(view.action.id)).toEqual(['requested', 'confirmed', 'expired']);
  });
});

describe('expiry notices', () => {
  it('tells onExpired about actions a late click found expired, not only the sweeper', async () => {
    await h.close();
    const noticed: string[] = [];
    h = await createHarness({ confirmTimeoutMs: 1_000, onExpired: (expired) => noticed.push(...expired.map((action) => action.id)) });
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('futures.margin-type'), MARGIN_TYPE);
    h.clock.now += 2_000;
    expect(await refusal(h.service.confirm(admin, view.action.id))).toMatchObject({ kind: 'expired' });
    expect(noticed).toEqual([view.action.id]);
  });
});

describe('secrets', () => {
  it('never writes the API secret or a signature into the database file', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    for (const raw of [{ asset: 'BTC', amount: '0.1' }, { asset: 'USDT' }]) {
      const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), raw);
      await claimed(await h.service.confirm(admin, view.action.id)).run();
    }
    h.binance.failNext('/fapi/v1/marginType', { kind: 'error', code: -1022 });
    const view = await h.service.request(admin, h.endpoint('futures.margin-type'), MARGIN_TYPE);
    await claimed(await h.service.confirm(admin, view.action.id)).run();
    await h.restart(); // flush the WAL into the main file as well

    const signatures = h.binance.requests.flatMap((request) => (request.signature === undefined ? [] : [request.signature]));
    expect(signatures.length).toBe(3);
    const bytes = Buffer.concat([h.dbPath, `${h.dbPath}-wal`].flatMap((path) => { try { return [readFileSync(path)]; } catch { return []; } }));
    expect(bytes.includes(TEST_SECRET)).toBe(false);
    for (const signature of signatures) expect(bytes.includes(signature)).toBe(false);
    expect(bytes.includes('signature=')).toBe(false);
  });
});
