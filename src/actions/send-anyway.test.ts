// No blind re-send: a request repeating one whose outcome is UNKNOWN (or that
// just executed) is not sent on its Confirm; it needs the explicit Send
// anyway. Asserted on what Binance received and what the log holds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, createHarness, type Harness } from '../../test/support/harness.ts';
import { OperatorError } from './errors.ts';
import { recordDecision } from './resolution.ts';
import { RECENT_EXECUTION_MS, SendAnywayNeeded } from './send-anyway.ts';
import { TamperedError } from './tamper.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  await h.putGrant({ userId: ALICE_ID, actionKey: 'pm.repay-debt', account: '*', role: 'requester', caps: [] });
});
afterEach(async () => {
  await h.close();
});

const admin = () => h.actor(ADMIN_ID, 'admin');
const alice = () => h.actor(ALICE_ID, 'alice');
const posts = () => h.binance.requests.filter((request) => request.method === 'POST');

async function sent(actionKey: string, raw: Record<string, unknown>, fault?: Parameters<Harness['binance']['failNext']>[1]) {
  if (fault !== undefined) h.binance.failNext(h.endpoint(actionKey).binance.path, fault);
  const view = await h.service.request(admin(), h.endpoint(actionKey), raw);
  const claimed = await h.service.confirm(admin(), view.action.id);
  if (claimed.kind !== 'claimed') throw new Error('expected a claim');
  return { action: claimed.action, outcome: await claimed.run() };
}

async function confirmError(actionId: string, by = admin()): Promise<unknown> {
  return h.service.confirm(by, actionId).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('a repeat of a request whose outcome is UNKNOWN', () => {
  it('is not sent on Confirm, says which earlier request, and logs the refusal; Send anyway sends it once', async () => {
    const earlier = await sent('pm.repay-debt', { asset: 'BTC', amount: '0.1' }, { kind: 'server-error', status: 503 });
    expect(earlier.outcome.kind).toBe('unknown');
    // Another person, the same action, account and parameters.
    const again = await h.service.request(alice(), h.endpoint('pm.repay-debt'), { asset: 'btc', amount: '0.10' });
    expect(await h.service.earlierRequest(again.action, again.endpoint)).toMatchObject({ actionId: earlier.action.id, state: 'unknown', requesterTag: 'admin' });
    const refused = await confirmError(again.action.id, alice());
    expect(refused).toBeInstanceOf(SendAnywayNeeded);
    expect((refused as SendAnywayNeeded).message).toMatch(
      new RegExp(`^Not sent yet: an identical request \\(ref ${earlier.action.id.slice(0, 8)} by admin\\) has an UNKNOWN outcome that is not resolved yet: it may have executed\\. .*Send anyway`),
    );
    // A second Confirm (a double click) is no "Send anyway" either.
    expect(await confirmError(again.action.id, alice())).toBeInstanceOf(SendAnywayNeeded);
    expect(posts()).toHaveLength(1);
    expect((await h.store.pending.get(again.action.id))?.state).toBe('pending');

    const anyway = await h.service.confirm(alice(), again.action.id, undefined, true);
    if (anyway.kind !== 'claimed') throw new Error('expected a claim');
    expect((await anyway.run()).kind).toBe('success');
    expect(posts()).toHaveLength(2);
    const rows = await h.store.log.forAction(again.action.id);
    expect(rows.map((row) => row.event)).toEqual(['requested', 'refused', 'refused', 'confirmed', 'sent', 'outcome']);
    expect(rows[1]?.detail).toMatch(/^needs "Send anyway": an identical request/);
    expect(rows[3]?.detail).toMatch(/^sent anyway after the warning: an identical request \(ref \S+ by admin\) has an UNKNOWN outcome/);
    // Its own Send anyway, clicked twice, runs once.
    expect(await h.service.confirm(alice(), again.action.id, undefined, true).catch((error: unknown) => error)).toBeInstanceOf(OperatorError);
  });

  it('checks a Send anyway click against the digest its button carries, as a Confirm: none refuses, another request\'s closes it as tampered', async () => {
    const earlier = await sent('pm.repay-debt', { asset: 'BTC', amount: '0.1' }, { kind: 'server-error', status: 503 });
    const again = await h.service.request(alice(), h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.1' });
    // A button with no digest (an older version's, or greyed out) sends nothing.
    const bare = await h.service.confirm(alice(), again.action.id, null, true).catch((error: unknown) => error);
    expect(bare).toBeInstanceOf(OperatorError);
    expect(bare).not.toBeInstanceOf(TamperedError);
    // A digest of another request: the stored one was rewritten since its button was posted.
    const forged = await h.service.confirm(alice(), again.action.id, again.digest.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), true).catch((error: unknown) => error);
    expect(forged).toBeInstanceOf(TamperedError);
    expect((await h.store.pending.get(again.action.id))?.state).not.toBe('pending');
    expect(posts()).toHaveLength(1);
    // The button as posted sends it, once.
    const third = await h.service.request(alice(), h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.1' });
    const anyway = await h.service.confirm(alice(), third.action.id, third.digest, true);
    if (anyway.kind !== 'claimed') throw new Error('expected a claim');
    expect((await anyway.run()).kind).toBe('success');
    expect(posts()).toHaveLength(2);
    expect(earlier.outcome.kind).toBe('unknown');
  });

  it('is sent on Confirm once the earlier one is settled as not executed', async () => {
    const earlier = await sent('pm.repay-debt', { asset: 'BTC', amount: '0.1' }, { kind: 'server-error', status: 503, executed: false });
    await recordDecision(h.store, earlier.action, { verdict: 'not-executed', evidence: () => 'no repay record', params: null, by: undefined, final: true }, Date.now());
    const again = await sent('pm.repay-debt', { asset: 'BTC', amount: '0.1' });
    expect(again.outcome.kind).toBe('success');
  });

  it('applies to every endpoint, idempotent ones included, and only to the same parameters', async () => {
    await sent('futures.margin-type', { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' }, { kind: 'delay', ms: 2_500, executed: false });
    const same = await h.service.request(admin(), h.endpoint('futures.margin-type'), { symbol: 'btcusdt', 'margin-type': 'ISOLATED' });
    expect(await confirmError(same.action.id)).toBeInstanceOf(SendAnywayNeeded);
    const other = await sent('futures.margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    expect(other.outcome.kind).toBe('success');
  }, 15_000);
});

describe('a repeat of a request that just executed', () => {
  it('needs Send anyway for a few minutes when the call is not idempotent', async () => {
    await sent('pm.repay-debt', { asset: 'BNB', amount: '1' });
    const again = await h.service.request(admin(), h.endpoint('pm.repay-debt'), { asset: 'BNB', amount: '1' });
    expect(await h.service.earlierRequest(again.action, again.endpoint)).toMatchObject({ state: 'executed' });
    expect(await confirmError(again.action.id)).toBeInstanceOf(SendAnywayNeeded);
    h.clock.now += RECENT_EXECUTION_MS + 1_000;
    const later = await h.service.request(admin(), h.endpoint('pm.repay-debt'), { asset: 'BNB', amount: '1' });
    expect(await h.service.earlierRequest(later.action, later.endpoint)).toBeUndefined();
  });

  it('does not when sending it again changes nothing (an idempotent call)', async () => {
    await sent('pm-pro.auto-repay-futures', { enabled: false });
    const again = await sent('pm-pro.auto-repay-futures', { enabled: false });
    expect(again.outcome.kind).toBe('success');
  });
});
