// Live state and reconciliation on a desk with several Binance accounts
// (without Discord): a command's state is read with the key of the account it
// runs on, an UNKNOWN outcome is read back with the key of the account it was
// sent on, and a key that cannot read a command's state (an account of
// another kind) reads nothing and says why. Asserted on which key signed each
// request the local Binance received, and on the log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../commands/index.ts';
import { createDesk, DESK_ACCOUNTS, type Desk, type DeskProcess } from '../../test/support/desk.ts';
import { ADMIN_ID } from '../../test/support/harness.ts';
import { claimed } from '../../test/support/outcomes.ts';
import { spoken } from '../../test/support/spoken.ts';
import { StateReader } from '../binance/index.ts';
import { messages } from '../i18n/index.ts';
import { silentLogger } from '../log.ts';
import { LiveState, storedAction } from './live-state.ts';
import { Reconciler, type ReconcileNotice } from './reconciler.ts';

const [MAIN, FUTURES] = DESK_ACCOUNTS as [(typeof DESK_ACCOUNTS)[number], (typeof DESK_ACCOUNTS)[number]];
const MARGIN_TYPE = { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED', account: 'futures' };

let desk: Desk;
let bot: DeskProcess;
beforeEach(async () => {
  desk = await createDesk();
  bot = await desk.start();
});
afterEach(async () => {
  await desk.close();
});

const admin = () => desk.actor(ADMIN_ID, 'admin');

/** One reader per account's client, and the key checks' word on what each key can read: as src/main.ts wires them. */
function liveFor(process: DeskProcess): LiveState {
  const readers = new Map(process.accounts.all.map((entry) => [entry.name, new StateReader(entry.client)]));
  return new LiveState({
    store: process.store,
    readerFor: (name) => readers.get(name),
    cannotRead: (endpoint, name) => process.accounts.cannotRead(endpoint, name),
    log: silentLogger,
  });
}

/** What the local Binance received since `from`: method, path and the key that signed it. */
const received = (from: number) => desk.binance.requests.slice(from).map((request) => [request.method, request.path, request.apiKey]);

describe('live state, per account', () => {
  it("reads a command's state with its account's key, and reconciles its UNKNOWN outcome with the key it was sent with; one POST", async () => {
    const live = liveFor(bot);
    const start = desk.binance.requests.length;
    const view = await bot.service.request(admin(), desk.endpoint('futures.margin-type'), MARGIN_TYPE);
    expect(view.action.account).toBe('futures');
    const preview = await live.preview(view.action, view.endpoint);
    expect(spoken(preview)).toEqual({ kind: 'shown', lines: ['BTCUSDT is CROSSED, no open orders, no position → ISOLATED'] });
    expect(spoken(preview, messages('zh-CN'))).toEqual({ kind: 'shown', lines: ['BTCUSDT 当前为 CROSSED（全仓），没有挂单，没有持仓 → 改为 ISOLATED（逐仓）'] });
    expect(received(start)).toEqual([
      ['GET', '/fapi/v1/symbolConfig', FUTURES.apiKey],
      ['GET', '/fapi/v1/openOrders', FUTURES.apiKey],
      ['GET', '/fapi/v2/positionRisk', FUTURES.apiKey],
    ]);

    // Binance executes it, then its gateway answers 503: UNKNOWN.
    desk.binance.account(FUTURES.apiKey).failNext('/fapi/v1/marginType', { kind: 'server-error', status: 503 });
    live.forget('futures');
    const sent = desk.binance.requests.length;
    expect((await claimed(await bot.service.confirm(admin(), view.action.id)).run()).kind).toBe('unknown');

    const notices: ReconcileNotice[] = [];
    const reconciler = new Reconciler({
      store: bot.store,
      endpoints: ENDPOINTS,
      live,
      log: silentLogger,
      instanceId: 'desk-reconciler',
      steps: [0, 3_600_000],
      onDecision: (notice) => notices.push(notice),
    });
    await reconciler.tick();
    const decided = (await bot.store.log.forAction(view.action.id)).filter((row) => row.event === 'reconciled');
    expect(decided.map((row) => [row.outcome_kind, row.detail])).toEqual([
      ['executed', expect.stringMatching(/^BTCUSDT is ISOLATED \(read \d+ s after the send\); the confirmation showed CROSSED$/)],
    ]);
    expect(notices.map((notice) => [notice.action.id, notice.decision.verdict])).toEqual([[view.action.id, 'executed']]);
    // The decision, as the requester reads it in Chinese.
    expect(spoken(notices[0]?.decision.evidence, messages('zh-CN'))).toMatch(/^BTCUSDT 当前为 ISOLATED（逐仓）（发送后 \d+ 秒读取）；确认消息上显示的是CROSSED（全仓）$/);
    // One POST, then only GETs, every one signed with the futures key.
    expect(received(sent)).toEqual([
      ['POST', '/fapi/v1/marginType', FUTURES.apiKey],
      ['GET', '/fapi/v1/symbolConfig', FUTURES.apiKey],
    ]);
    // Main's key read nothing of it (the key checks at start-up aside).
    expect(desk.binance.requests.slice(start).some((request) => request.apiKey === MAIN.apiKey)).toBe(false);
  });

  it('reads nothing with a key that cannot read the state (an account of another kind), and says why', async () => {
    const live = liveFor(bot);
    const view = await bot.service.request(admin(), desk.endpoint('futures.margin-type'), MARGIN_TYPE);
    const target = storedAction(view.action, view.endpoint);
    if (target === undefined) throw new Error('the stored options no longer parse');
    expect(bot.accounts.cannotRead(view.endpoint, 'futures')).toBeUndefined();

    // A request that (say) went out on main, a Portfolio Margin account: its key is not asked to read a futures symbol.
    const start = desk.binance.requests.length;
    const observed = await live.observe(target, { account: 'main', at: Date.now(), timestamp: Date.now(), recvWindowMs: 5_000 }, undefined);
    expect(spoken(observed)).toEqual({
      kind: 'unavailable',
      why: expect.stringMatching(/^account main is not a USDⓈ-M futures account \(.+\), so its key cannot read this state$/),
    });
    expect(spoken(observed, messages('zh-CN'))).toMatchObject({ why: expect.stringMatching(/^账户 main 不是U本位合约账户（.+），其 API Key 无法读取此状态$/) });
    expect(received(start)).toEqual([]);
  });
});
