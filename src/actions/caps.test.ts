// Caps that mean what they say, through the real pipeline and the local
// Binance: one named asset per cap, legacy '*' caps refused, and a rolling
// 24-hour total that two requests on screen at once cannot both overshoot.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, createHarness, type Harness } from '../../test/support/harness.ts';
import { claimed, refusal } from '../../test/support/outcomes.ts';
import type { ConfirmResult } from './service.ts';
import type { Cap } from '../store/index.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const REPAY = 'pm.repay-debt';
const HOUR = 60 * 60_000;

async function grant(userId: string, caps: Cap[], role: 'requester' | 'approver' = 'requester') {
  await h.putGrant({ userId, actionKey: REPAY, account: '*', role, caps });
}



const alice = () => h.actor(ALICE_ID, 'alice');
// BNB: the local Binance's account owes 10 of it, enough for these repays.
const repay = (amount: string | undefined, asset = 'BNB') => h.service.request(alice(), h.endpoint(REPAY), amount === undefined ? { asset } : { asset, amount });
const posts = () => h.binance.requestsTo('/papi/v1/margin/repay-debt');

describe('per-request caps', () => {
  it("fails closed on an older version's '*' cap: an amount under such a grant is refused, saying an admin must re-grant", async () => {
    await grant(ALICE_ID, [{ asset: '*', maxAmount: '100', dailyMax: null }]);
    const error = await refusal(repay('1', 'USDT'));
    expect(error.message).toMatch(/carries a cap on "every asset" \(\*\).*an admin must re-grant it with a named asset/);
    expect((await h.store.log.recent({ limit: 1 }))[0]).toMatchObject({ event: 'refused', user_id: ALICE_ID, detail: expect.stringMatching(/every asset/) });
    expect(await h.store.db.get('SELECT COUNT(*) AS n FROM pending_actions')).toEqual({ n: 0 });
  });

  it('a daily cap alone still names its asset: other assets are refused, and an amount is required', async () => {
    await grant(ALICE_ID, [{ asset: 'BTC', maxAmount: null, dailyMax: '2' }]);
    expect((await refusal(repay('1', 'ETH'))).message).toMatch(/covers only 2 BTC per 24 h, not ETH/);
    expect((await refusal(repay(undefined, 'BTC'))).message).toMatch(/give an amount/);
    await repay('2', 'BTC');
  });
});

describe('daily caps (rolling 24 hours)', () => {
  beforeEach(async () => {
    await grant(ALICE_ID, [{ asset: 'BNB', maxAmount: '1', dailyMax: '1.5' }]);
  });

  it('shows what is left on the confirmation, and refuses a request past the cap with the figures', async () => {
    const first = await repay('1');
    expect(first.dailyCap).toEqual({ asset: 'BNB', dailyMax: '1.5', spent: '0', left: '1.5' });
    expect((await claimed(await h.service.confirm(alice(), first.action.id)).run()).kind).toBe('success');

    const error = await refusal(repay('0.6'));
    expect(error.message).toBe(
      'Refused: 0.6 BNB would take your rolling 24-hour total of `pm.repay-debt` to 1.6 BNB, above your daily cap of 1.5 BNB (already spent or in flight: 1 BNB; left: 0.5 BNB). Nothing was sent.',
    );
    const fits = await repay('0.5');
    expect(fits.dailyCap).toEqual({ asset: 'BNB', dailyMax: '1.5', spent: '1', left: '0.5' });
    expect(posts()).toHaveLength(1);
  });

  it('two requests on screen at once, each under the per-request cap: the second click is refused at the claim and closed', async () => {
    const a = await repay('0.8');
    const b = await repay('0.8');
    // Both were within the cap when asked for: neither was in flight yet.
    expect([a.dailyCap?.left, b.dailyCap?.left]).toEqual(['1.5', '1.5']);
    expect((await claimed(await h.service.confirm(alice(), a.action.id)).run()).kind).toBe('success');
    const error = await refusal(h.service.confirm(alice(), b.action.id));
    expect(error).toMatchObject({ kind: 'revoked', message: expect.stringMatching(/^Refused: 0.8 BNB would take .* to 1.6 BNB, above your daily cap of 1.5 BNB.*closed and nothing was sent/) });
    expect(await h.store.pending.get(b.action.id)).toMatchObject({ state: 'cancelled', closedReason: 'over the daily cap at the click' });
    expect((await h.store.log.forAction(b.action.id)).map((row) => row.event)).toEqual(['requested', 'refused']);
    expect(posts()).toHaveLength(1);
  });

  it('concurrent Confirm clicks from two bot processes cannot overshoot: the claim checks inside its transaction', async () => {
    const views = [await repay('0.8'), await repay('0.8'), await repay('0.8')];
    const other = await h.second();
    try {
      const clicks = await Promise.allSettled(views.map((view, i) => (i % 2 === 0 ? h.service : other.service).confirm(alice(), view.action.id)));
      const won = clicks.filter((click): click is PromiseFulfilledResult<ConfirmResult> => click.status === 'fulfilled');
      const [winner] = won;
      expect(won).toHaveLength(1);
      if (winner === undefined) throw new Error('no click won the claim');
      await claimed(winner.value).run();
    } finally {
      await other.close();
    }
    expect(posts()).toHaveLength(1);
    expect(await h.store.db.all("SELECT state FROM pending_actions WHERE state = 'cancelled'")).toHaveLength(2);
  });

  it('counts an UNKNOWN outcome as spent and a Binance refusal as not; the window rolls after 24 hours', async () => {
    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 500 });
    const unknown = await repay('1');
    expect((await claimed(await h.service.confirm(alice(), unknown.action.id)).run()).kind).toBe('unknown');
    expect((await refusal(repay('0.6'))).message).toMatch(/already spent or in flight: 1 BNB/);

    h.binance.failNext('/papi/v1/margin/repay-debt', { kind: 'error', code: -3041, status: 400, msg: 'Balance is not enough' });
    const rejected = await repay('0.5');
    expect((await claimed(await h.service.confirm(alice(), rejected.action.id)).run()).kind).toBe('rejected');
    expect((await repay('0.5')).dailyCap?.spent).toBe('1');

    h.clock.now += 24 * HOUR + 1;
    expect((await repay('1')).dailyCap).toMatchObject({ spent: '0', left: '1.5' });
  });

  it('counts a request awaiting approval as in flight', async () => {
    await h.putPolicy({ actionKey: REPAY, account: '*', approvals: 1 });
    await grant(BOB_ID, [], 'approver');
    const waiting = await repay('1');
    expect((await h.service.confirm(alice(), waiting.action.id)).kind).toBe('awaiting-approval');
    expect((await refusal(repay('1'))).message).toMatch(/already spent or in flight: 1 BNB; left: 0.5 BNB/);
    // Its own approval is not counted twice.
    expect((await h.service.approve(h.actor(BOB_ID, 'bob'), waiting.action.id).then((c) => c.run())).kind).toBe('success');
  });

  it('does not cap a root admin', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint(REPAY), { asset: 'BNB', amount: '50' });
    expect(view.dailyCap).toBeUndefined();
  });
});
