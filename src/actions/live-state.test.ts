// The read-backs each endpoint declares, run by LiveState against the local
// Binance: what a confirmation shows, what it refuses before the click, and
// what a success reads back. Asserted on the text, the stored action, the log
// rows and what Binance received.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatedAccount } from '../../test/emulators/binance/index.ts';
import { ADMIN_ID, createHarness, type Harness } from '../../test/support/harness.ts';
import { StateReader } from '../binance/index.ts';
import { messages } from '../i18n/index.ts';
import { silentLogger } from '../log.ts';
import { spoken } from '../../test/support/spoken.ts';
import { OperatorError } from './errors.ts';
import { LiveState, sentRequestOf, type Preview } from './live-state.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const account = (): EmulatedAccount => {
  const first = h.binance.accounts[0];
  if (first === undefined) throw new Error('no emulated account');
  return first;
};

function live(previewDeadlineMs?: number): LiveState {
  const reader = new StateReader(h.client);
  return new LiveState({ store: h.store, readerFor: () => reader, log: silentLogger, ...(previewDeadlineMs === undefined ? {} : { previewDeadlineMs }) });
}

async function preview(actionKey: string, raw: Record<string, unknown>, state = live()): Promise<{ preview: Preview; actionId: string }> {
  const view = await h.service.request(h.actor(ADMIN_ID, 'admin'), h.endpoint(actionKey), raw);
  return { preview: await state.preview(view.action, view.endpoint), actionId: view.action.id };
}

/** An endpoint request and the state it meets on Binance. */
interface Case {
  readonly name: string;
  readonly actionKey: string;
  readonly raw: Record<string, unknown>;
  readonly seed: () => void;
}

const nothing = (): void => undefined;

describe('the confirmation shows the live state and what will change', () => {
  const cases: Array<Case & { readonly lines: readonly string[] }> = [
    { name: 'auto-repay', actionKey: 'pm-pro.auto-repay-futures', raw: { enabled: false }, seed: nothing, lines: ['Auto-repay is ON now → OFF'] },
    {
      name: 'a repay of part of a loan',
      actionKey: 'pm.repay-debt',
      raw: { asset: 'BTC', amount: '0.1' },
      seed: () => account().setLoan('BTC', '0.5', '0.0001'),
      lines: ['BTC loan 0.5 + interest 0.0001 → repaying 0.1 leaves 0.4001'],
    },
    {
      name: 'a repay of a whole loan',
      actionKey: 'pm.repay-debt',
      raw: { asset: 'BTC' },
      seed: () => account().setLoan('BTC', '0.5', '0.0001'),
      lines: ['BTC loan 0.5 + interest 0.0001 → repaying all of it (0.5001) leaves 0'],
    },
    {
      name: 'a negative balance',
      actionKey: 'pm.repay-negative-balance',
      raw: {},
      seed: () => account().setNegativeBalance('USDT', '123.45'),
      lines: ["negative futures balance: USDT −123.45 → repaid from the account's other assets", 'uniMMR 5167.92171923, account status NORMAL'],
    },
    { name: 'a bankruptcy loan', actionKey: 'pm-pro.bankruptcy-repay', raw: {}, seed: () => account().setBankruptcyLoan('1234'), lines: ['PM Pro bankruptcy loan: 1,234 USDT → repaid in full from SPOT'] },
    {
      name: 'a margin type',
      actionKey: 'futures.margin-type',
      raw: { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' },
      seed: nothing,
      lines: ['BTCUSDT is CROSSED, no open orders, no position → ISOLATED'],
    },
  ];
  it.each(cases)('$name', async ({ actionKey, raw, seed, lines }) => {
    seed();
    const { preview: shown } = await preview(actionKey, raw);
    expect(spoken(shown)).toEqual({ kind: 'shown', lines });
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it("says the same in Chinese, in Binance's words (自动清还合约负余额, 逐仓, 全仓), the amounts digit for digit", async () => {
    const zh = messages('zh-CN');
    const auto = await preview('pm-pro.auto-repay-futures', { enabled: false });
    expect(spoken(auto.preview, zh)).toEqual({ kind: 'shown', lines: ['自动清还合约负余额当前为开启 → 关闭'] });
    account().setLoan('BTC', '0.5', '0.0001');
    const repay = await preview('pm.repay-debt', { asset: 'BTC', amount: '0.1' });
    expect(spoken(repay.preview, zh)).toEqual({ kind: 'shown', lines: ['BTC 杠杆借款 0.5 + 利息 0.0001 → 还款 0.1 后剩余 0.4001'] });
    const margin = await preview('futures.margin-type', { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' });
    expect(spoken(margin.preview, zh)).toEqual({ kind: 'shown', lines: ['BTCUSDT 当前为 CROSSED（全仓），没有挂单，没有持仓 → 改为 ISOLATED（逐仓）'] });
  });

  it('reads the declared GETs with their parameters, signed, and nothing else', async () => {
    await preview('futures.margin-type', { symbol: 'ETHUSDT', 'margin-type': 'ISOLATED' });
    expect(h.binance.requests.map((request) => [request.method, request.path, request.params.symbol, request.signatureValid])).toEqual([
      ['GET', '/fapi/v1/symbolConfig', 'ETHUSDT', true],
      ['GET', '/fapi/v1/openOrders', 'ETHUSDT', true],
      ['GET', '/fapi/v2/positionRisk', 'ETHUSDT', true],
    ]);
  });

  it('says "unavailable" and why when a read fails or is slow; the request stays open for Binance to decide', async () => {
    h.binance.failNext('/sapi/v1/portfolio/pmLoan', { kind: 'error', code: -2015, status: 401 });
    const refused = await preview('pm-pro.bankruptcy-repay', {});
    expect(spoken(refused.preview)).toEqual({ kind: 'unavailable', why: expect.stringMatching(/^Binance refused the read of \/sapi\/v1\/portfolio\/pmLoan \(-2015: /) });
    expect((await h.store.pending.get(refused.actionId))?.state).toBe('pending');

    h.binance.failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'delay', ms: 1_000 });
    const slow = await preview('pm-pro.auto-repay-futures', { enabled: false }, live(200));
    expect(spoken(slow.preview)).toEqual({ kind: 'unavailable', why: 'Binance did not answer within 0.2 s' });
    expect((await h.store.pending.get(slow.actionId))?.state).toBe('pending');
  });
});

describe('where Binance would surely refuse, no Confirm is offered', () => {
  const margin = { actionKey: 'futures.margin-type', raw: { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' } };
  const cases: Array<Case & { readonly code: number | undefined; readonly reason: RegExp }> = [
    { name: 'a margin type already set (-4046)', ...margin, seed: () => account().setMarginType('BTCUSDT', 'ISOLATED'), code: -4046, reason: /BTCUSDT is already ISOLATED/ },
    { name: 'open orders (-4047)', ...margin, seed: () => void account().addOpenOrder('BTCUSDT'), code: -4047, reason: /BTCUSDT has open orders/ },
    { name: 'a position (-4048)', ...margin, seed: () => account().setPosition('BTCUSDT', '-0.5'), code: -4048, reason: /BTCUSDT has a position of -0\.5/ },
    { name: 'nothing to repay', actionKey: 'pm.repay-debt', raw: { asset: 'ETH', amount: '1' }, seed: nothing, code: undefined, reason: /there is no ETH margin loan: nothing to repay/ },
    { name: 'more than is owed (-3015)', actionKey: 'pm.repay-debt', raw: { asset: 'BTC', amount: '0.6' }, seed: nothing, code: -3015, reason: /0\.6 BTC is more than the 0\.5 owed/ },
    { name: 'no bankruptcy loan (-21004)', actionKey: 'pm-pro.bankruptcy-repay', raw: {}, seed: () => account().setBankruptcyLoan('0'), code: -21004, reason: /there is no PM Pro bankruptcy loan/ },
  ];
  it.each(cases)('$name', async ({ actionKey, raw, seed, code, reason }) => {
    seed();
    const { preview: shown, actionId } = await preview(actionKey, raw);
    expect(spoken(shown)).toMatchObject({ kind: 'refused', code, reason: expect.stringMatching(reason), closed: true });
    const action = await h.store.pending.get(actionId);
    expect(action).toMatchObject({ state: 'cancelled', closedReason: expect.stringMatching(/^Binance would refuse it: /) });
    const [refusal] = (await h.store.log.forAction(actionId)).filter((row) => row.event === 'refused');
    expect(refusal?.detail).toMatch(/before the click, from the live state: Binance would refuse it/);
    expect(refusal?.params_json).toContain('"state"');
    // A Confirm (a crafted click: the message has none) cannot revive it.
    const click = await h.service.confirm(h.actor(ADMIN_ID, 'admin'), actionId).catch((error: unknown) => error);
    expect(click).toBeInstanceOf(OperatorError);
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });
});

describe('after a success, the state is read back and logged', () => {
  async function sendWith(state: LiveState, actionKey: string, raw: Record<string, unknown>) {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint(actionKey), raw);
    await state.preview(view.action, view.endpoint);
    const claimed = await h.service.confirm(admin, view.action.id);
    if (claimed.kind !== 'claimed') throw new Error('expected a claim');
    state.forget('main');
    const outcome = await claimed.run();
    if (outcome.kind !== 'success') throw new Error(`expected a success, got ${outcome.kind}`);
    const sent = sentRequestOf(outcome.request.params, Date.now() - outcome.latencyMs, claimed.action.account);
    if (sent === undefined) throw new Error('no timestamp in the request');
    return { verification: await state.verify(claimed.action, claimed.endpoint, sent), actionId: view.action.id };
  }

  it('shows before → after and logs the observed state as a verified row', async () => {
    const { verification, actionId } = await sendWith(live(), 'pm-pro.auto-repay-futures', { enabled: false });
    expect(spoken(verification)).toEqual({ kind: 'checked', check: { kind: 'confirmed', detail: 'Auto-repay is OFF' }, before: 'Auto-repay is ON', after: 'Auto-repay is OFF' });
    const verified = (await h.store.log.forAction(actionId)).at(-1);
    expect(verified).toMatchObject({ event: 'verified', outcome_kind: 'confirmed', detail: 'Auto-repay is OFF' });
    expect(JSON.parse(verified?.params_json ?? '{}')).toMatchObject({
      reads: ['GET /sapi/v1/portfolio/repay-futures-switch'],
      before: { status: { autoRepay: true } },
      after: { status: { autoRepay: false } },
    });
  });

  it('finds the repay record of a repay, and says when it is still PENDING', async () => {
    account().setLoan('BTC', '0.5', '0.0001');
    const done = await sendWith(live(), 'pm.repay-debt', { asset: 'BTC', amount: '0.1' });
    expect(spoken(done.verification)).toMatchObject({
      kind: 'checked',
      check: { kind: 'confirmed', detail: expect.stringMatching(/^repay record 38920113770065921: CONFIRMED, principal 0\.0999 \+ interest 0\.0001; BTC loan now 0\.4001 \+ interest 0$/) },
      before: 'BTC loan 0.5 + interest 0.0001',
      after: 'BTC loan 0.4001 + interest 0',
    });
    account().settleAfterMs = 60_000;
    const pendingRepay = await sendWith(live(), 'pm.repay-debt', { asset: 'BTC', amount: '0.2' });
    expect(spoken(pendingRepay.verification)).toMatchObject({ kind: 'checked', check: { kind: 'pending', detail: expect.stringMatching(/: PENDING, .*Binance is still executing it/) } });
  });

  it('flags a success the state contradicts, and logs it', async () => {
    h.binance.failNext('/fapi/v1/marginType', { kind: 'false-success', body: '{"code":200,"msg":"success"}' });
    const { verification, actionId } = await sendWith(live(), 'futures.margin-type', { symbol: 'SOLUSDT', 'margin-type': 'ISOLATED' });
    expect(spoken(verification)).toMatchObject({ kind: 'checked', check: { kind: 'contradicted', detail: 'Binance answered success, but SOLUSDT still shows CROSSED' } });
    expect((await h.store.log.forAction(actionId)).at(-1)).toMatchObject({ event: 'verified', outcome_kind: 'contradicted' });
  });
});
