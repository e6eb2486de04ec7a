// The reconciler settles UNKNOWN outcomes by reading Binance back on a stored
// schedule: from repay records where the state alone cannot tell, from the
// state where it can. It never sends the request again. Time is moved by
// hand; Binance is the local one, its state consistent with what each POST
// did (or, with `executed: false`, did not do).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatedAccount } from '../../test/emulators/binance/index.ts';
import { ADMIN_ID, ALICE_ID, createHarness, type Harness } from '../../test/support/harness.ts';
import { StateReader } from '../binance/index.ts';
import { silentLogger } from '../log.ts';
import { OperatorError } from './errors.ts';
import { IntegrityError } from './integrity.ts';
import { LiveState } from './live-state.ts';
import { Reconciler, type ReconcileNotice } from './reconciler.ts';
import { Resolutions } from './resolution.ts';
import { Authorizer } from './authorization.ts';

let h: Harness;
/** How far the reconciler's clock runs ahead of the wall clock (the log's). */
let ahead: number;
let notices: ReconcileNotice[];

beforeEach(async () => {
  h = await createHarness();
  ahead = 0;
  notices = [];
});
afterEach(async () => {
  await h.close();
});

const admin = () => h.actor(ADMIN_ID, 'admin');
const account = (): EmulatedAccount => {
  const first = h.binance.accounts[0];
  if (first === undefined) throw new Error('no emulated account');
  return first;
};

function reconciler(steps?: readonly number[]): Reconciler {
  const now = () => Date.now() + ahead;
  const reader = new StateReader(h.client);
  const live = new LiveState({ store: h.store, readerFor: () => reader, log: silentLogger, now });
  return new Reconciler({ store: h.store, endpoints: h.service.endpoints, live, log: silentLogger, instanceId: 'test-reconciler', now, onDecision: (notice) => notices.push(notice), ...(steps === undefined ? {} : { steps }) });
}

/** Requests, confirms and sends as the admin; returns the action id and its outcome kind. */
async function send(actionKey: string, raw: Record<string, unknown>, sendAnyway = false): Promise<{ actionId: string; outcome: string }> {
  const view = await h.service.request(admin(), h.endpoint(actionKey), raw);
  const claimed = await h.service.confirm(admin(), view.action.id, undefined, sendAnyway);
  if (claimed.kind !== 'claimed') throw new Error('expected a claim');
  return { actionId: view.action.id, outcome: (await claimed.run()).kind };
}

async function reconciled(actionId: string) {
  return (await h.store.log.forAction(actionId)).filter((row) => row.event === 'reconciled').map((row) => [row.outcome_kind, row.detail]);
}

const posts = () => h.binance.requests.filter((request) => request.method === 'POST');

describe('a repay whose answer was lost', () => {
  it('executed but answered 503: reconciled as EXECUTED from its repay record, 5 s after the send; one POST', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
    const { actionId, outcome } = await send('pm.repay-debt', { asset: 'BTC', amount: '0.1' });
    expect(outcome).toBe('unknown');
    const worker = reconciler();
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([]); // scheduled, not due yet
    ahead = 5_000;
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([['executed', expect.stringMatching(/^repay record 38920113770065921 of 0\.1 BTC \(principal 0\.1 \+ interest 0\) at .* is CONFIRMED$/)]]);
    expect(notices.map((notice) => [notice.action.id, notice.decision.verdict])).toEqual([[actionId, 'executed']]);
    const row = (await h.store.log.forAction(actionId)).at(-1);
    expect(JSON.parse(row?.params_json ?? '{}').reads).toEqual([
      'GET /papi/v1/balance?asset=BTC',
      expect.stringMatching(/^GET \/papi\/v1\/margin\/repayLoan\?asset=BTC&startTime=\d{13}&endTime=\d{13}&size=100$/),
    ]);
    expect(posts()).toHaveLength(1);
    // Decided: later ticks read nothing more.
    const before = h.binance.requests.length;
    ahead = 3_600_000;
    await worker.tick();
    expect(h.binance.requests.slice(before)).toEqual([]);
    expect(await h.store.reconcile.unresolved(5)).toEqual([]);
  });

  it('not executed (503 before it ran): still unknown at 5 s (logged once), NOT executed at 30 s; one POST, only GETs after it', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503, executed: false });
    const { actionId } = await send('pm.repay-debt', { asset: 'BTC', amount: '0.1' });
    const worker = reconciler();
    await worker.tick();
    ahead = 5_000;
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([['unknown', expect.stringMatching(/^no BTC repay record of this request yet \(read \d s after the send\)$/)]]);
    expect((await h.store.reconcile.unresolved(5)).map((row) => [row.actionId, row.lastEvidence])).toEqual([[actionId, expect.stringMatching(/no BTC repay record/)]]);
    expect(notices).toEqual([]);
    ahead = 30_000;
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([
      ['unknown', expect.any(String)],
      ['not-executed', expect.stringMatching(/^no BTC repay record around the time it was sent \(read 3\d s after the send\): Binance did not execute it$/)],
    ]);
    expect(account().loans.get('BTC')).toBe('0.5');
    const [post] = posts();
    expect(posts()).toHaveLength(1);
    expect(h.binance.requests.filter((request) => request.at > (post?.at ?? 0)).every((request) => request.method === 'GET')).toBe(true);
  });

  it('a repay still PENDING stays unknown, and is EXECUTED once Binance confirms it', async () => {
    account().settleAfterMs = 600_000;
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'drop' });
    const { actionId, outcome } = await send('pm.repay-debt', { asset: 'USDT', amount: '100' });
    expect(outcome).toBe('unknown');
    const worker = reconciler();
    await worker.tick();
    ahead = 5_000;
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([['unknown', expect.stringMatching(/is PENDING: Binance is still executing it$/)]]);
    account().settlePending();
    ahead = 30_000;
    await worker.tick();
    expect((await reconciled(actionId)).at(-1)).toEqual(['executed', expect.stringMatching(/is CONFIRMED$/)]);
  });

  it('a later identical request sent anyway does not pass for the first one', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503, executed: false });
    const first = await send('pm.repay-debt', { asset: 'BTC', amount: '0.1' });
    const second = await send('pm.repay-debt', { asset: 'BTC', amount: '0.1' }, true);
    expect(second.outcome).toBe('success');
    const worker = reconciler();
    await worker.tick();
    ahead = 30_000;
    await worker.tick();
    expect((await reconciled(first.actionId)).at(-1)).toEqual(['not-executed', expect.stringMatching(/no BTC repay record around the time it was sent/)]);
    expect(posts()).toHaveLength(2);
  });
});

describe('decided from the state', () => {
  it('a margin type changed by a call that timed out: EXECUTED; the confirmation showed otherwise', async () => {
    h.binance.failNext('/fapi/v1/marginType', { kind: 'delay', ms: 2_500 });
    const reader = new StateReader(h.client);
    const view = await h.service.request(admin(), h.endpoint('futures.margin-type'), { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' });
    await new LiveState({ store: h.store, readerFor: () => reader, log: silentLogger }).preview(view.action, view.endpoint);
    const claimed = await h.service.confirm(admin(), view.action.id);
    if (claimed.kind !== 'claimed') throw new Error('expected a claim');
    expect((await claimed.run()).kind).toBe('unknown');
    const worker = reconciler();
    await worker.tick();
    ahead = 5_000;
    await worker.tick();
    expect(await reconciled(view.action.id)).toEqual([['executed', expect.stringMatching(/^BTCUSDT is ISOLATED \(read \d s after the send\); the confirmation showed CROSSED$/)]]);
  });

  it('an auto-repay switch that did not move: unknown at first, NOT executed at 30 s', async () => {
    h.binance.failNext('POST /sapi/v1/portfolio/repay-futures-switch', { kind: 'drop', executed: false });
    const { actionId } = await send('pm-pro.auto-repay-futures', { enabled: false });
    const worker = reconciler();
    await worker.tick();
    ahead = 5_000;
    await worker.tick();
    ahead = 30_000;
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([
      ['unknown', expect.stringMatching(/auto-repay shows ON .*Binance may not have applied it yet/)],
      ['not-executed', expect.stringMatching(/^auto-repay shows ON \(read 3\d s after the send\), not what was requested$/)],
    ]);
  });

  it('a bankruptcy repay: EXECUTED from its repay history row', async () => {
    h.binance.failNext('/sapi/v1/portfolio/repay', { kind: 'server-error', status: 500 });
    const { actionId } = await send('pm-pro.bankruptcy-repay', {});
    const worker = reconciler();
    await worker.tick();
    ahead = 5_000;
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([['executed', expect.stringMatching(/^repay history: 1,234 USDT repaid at /)]]);
  });
});

describe('the schedule', () => {
  it('survives a restart: the new process carries on from the database', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
    const { actionId } = await send('pm.repay-debt', { asset: 'BNB', amount: '1' });
    await reconciler().tick();
    expect(await h.store.reconcile.get(actionId)).toMatchObject({ state: 'open', attempts: 0 });
    await h.restart();
    ahead = 5_000;
    await reconciler().tick();
    expect(await reconciled(actionId)).toEqual([['executed', expect.stringMatching(/CONFIRMED$/)]]);
    expect(await h.store.reconcile.get(actionId)).toMatchObject({ state: 'executed', attempts: 1, nextAt: null });
  });

  it('two processes never read for the same attempt', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
    const { actionId } = await send('pm.repay-debt', { asset: 'BNB', amount: '1' });
    await reconciler().tick();
    ahead = 5_000;
    const before = h.binance.requests.length;
    await Promise.all([reconciler().tick(), reconciler().tick()]);
    expect(h.binance.requests.slice(before).filter((request) => request.path === '/papi/v1/margin/repayLoan')).toHaveLength(1);
    expect(await reconciled(actionId)).toHaveLength(1);
  });

  it('still unknown after the last check: logged for a person, who closes it with /audit resolve', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
    const { actionId } = await send('pm.repay-debt', { asset: 'BNB', amount: '1' });
    h.binance.failNext('/papi/v1/balance', { kind: 'error', code: -2015, status: 401 });
    const worker = reconciler([5_000]);
    await worker.tick();
    ahead = 5_000;
    await worker.tick();
    expect(await reconciled(actionId)).toEqual([['unknown', expect.stringMatching(/^Binance could not be read: .*-2015.*The bot has checked for a day and stops now: check in Binance, then close it with \/audit resolve$/)]]);
    expect(await h.store.reconcile.get(actionId)).toMatchObject({ state: 'gave-up', nextAt: null });
    expect((await h.store.reconcile.unresolved(5)).map((row) => row.actionId)).toEqual([actionId]);

    const resolutions = new Resolutions(h.store, new Authorizer(h.store.grants, new Set([ADMIN_ID])));
    const alice = h.actor(ALICE_ID, 'alice');
    await expect(resolutions.resolve(alice, actionId.slice(0, 8), 'executed', 'seen in the web UI')).rejects.toThrow(/needs a grant of it or `access.admin`/);
    await h.putGrant({ userId: ALICE_ID, actionKey: 'pm.repay-debt', account: '*', role: 'approver', caps: [] });
    const done = await resolutions.resolve(alice, actionId.slice(0, 8), 'executed', 'txId 38920113770065921 in the web UI');
    expect(done.outcome).toBe('executed');
    const last = (await h.store.log.forAction(actionId)).at(-1);
    expect(last).toMatchObject({ event: 'reconciled', outcome_kind: 'executed', user_id: ALICE_ID, detail: 'resolved by hand as approver of `pm.repay-debt`: txId 38920113770065921 in the web UI' });
    expect(await h.store.reconcile.unresolved(5)).toEqual([]);
    const again = await resolutions.resolve(admin(), actionId.slice(0, 8), 'not-executed', 'second thoughts').catch((error: unknown) => error);
    expect(again).toBeInstanceOf(OperatorError);
    expect((again as OperatorError).message).toMatch(/was already resolved as EXECUTED/);
  });

  it('/audit resolve refuses a grant the log does not explain (written straight into the table), and decides nothing', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
    const { actionId } = await send('pm.repay-debt', { asset: 'BNB', amount: '1' });
    // A database writer gives alice the right to close it (no logged change behind it).
    await h.store.db.transaction((tx) => h.store.grants.put(tx, { userId: ALICE_ID, actionKey: 'pm.repay-debt', account: '*', role: 'approver', caps: [] }, ADMIN_ID, 0));
    const resolutions = new Resolutions(h.store, new Authorizer(h.store.grants, new Set([ADMIN_ID])));
    const refused = await resolutions.resolve(h.actor(ALICE_ID, 'alice'), actionId.slice(0, 8), 'not-executed', 'trust me').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IntegrityError);
    expect(await reconciled(actionId)).toEqual([]);
    expect((await h.store.reconcile.unresolved(5)).map((row) => row.actionId)).toEqual([actionId]);
    // Nor does the reconciler write a decision on that database.
    await reconciler([5_000]).tick();
    expect(await reconciled(actionId)).toEqual([]);
  });

  it('/audit resolve refuses an action whose outcome is not UNKNOWN, and an unknown ref', async () => {
    const { actionId } = await send('pm.repay-debt', { asset: 'BNB', amount: '1' });
    const resolutions = new Resolutions(h.store, new Authorizer(h.store.grants, new Set([ADMIN_ID])));
    await expect(resolutions.resolve(admin(), actionId.slice(0, 8), 'executed', 'checked')).rejects.toThrow(/has no UNKNOWN outcome to resolve \(its outcome is success\)/);
    await expect(resolutions.resolve(admin(), 'zzzzzzzz', 'executed', 'checked')).rejects.toThrow(/No action has the ref `zzzzzzzz`/);
  });
});
