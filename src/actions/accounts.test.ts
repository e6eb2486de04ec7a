// Several Binance accounts through the pipeline (without Discord): every
// command routed to an account that can run it and signed with that account's
// key, refused before Confirm (naming the permission) on one whose key cannot,
// grants per account, and a confirmation that outlives its account's place in
// the configuration or its key's permission sends nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../commands/index.ts';
import { ADMIN_ID, ALICE_ID, logChange } from '../../test/support/harness.ts';
import { createDesk, DESK_ACCOUNTS, type Desk, type DeskProcess } from '../../test/support/desk.ts';
import { claimed, refusal } from '../../test/support/outcomes.ts';
import { inEnglish, type Said } from '../i18n/index.ts';
import { silentLogger } from '../log.ts';
import { grantToParams } from '../store/index.ts';
import type { Eligibility } from './eligibility.ts';
import { KeyChecks } from './key-checks.ts';

const [MAIN, FUTURES, PRO] = DESK_ACCOUNTS as [(typeof DESK_ACCOUNTS)[number], (typeof DESK_ACCOUNTS)[number], (typeof DESK_ACCOUNTS)[number]];
const MARGIN_TYPE = { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' };

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
const posts = (path: string) => desk.binance.requests.filter((request) => request.method === 'POST' && request.path === path);

/** A verdict with its reason in English (reasons are said in the reader's language; the log keeps English). */
function inEnglishReason(verdict: Eligibility): object {
  return 'reason' in verdict ? { ...verdict, reason: inEnglish(verdict.reason) } : verdict;
}

/** A grant as a root admin makes it: the table and its log row (the bot refuses a grant its log does not explain). */
async function grant(userId: string, actionKey: string, account: string) {
  await logChange(bot.store, { kind: 'grant', ...grantToParams({ userId, actionKey, account, role: 'requester', caps: [] }) }, desk.clock.now);
}

describe('routing', () => {
  it('runs each command on the one account that can, signed with that account’s own key', async () => {
    const runs = [
      ['pm.repay-debt', { asset: 'BTC', amount: '0.1' }, MAIN, '/papi/v1/margin/repay-debt'],
      ['pm-pro.auto-repay-futures', { enabled: false }, PRO, '/sapi/v1/portfolio/repay-futures-switch'],
    ] as const;
    for (const [actionKey, options, account, path] of runs) {
      const view = await bot.service.request(admin(), desk.endpoint(actionKey), options);
      expect(view.action.account).toBe(account.name);
      expect(view.account.eligibility).toEqual({ kind: 'eligible' });
      expect((await claimed(await bot.service.confirm(admin(), view.action.id)).run()).kind).toBe('success');
      expect(posts(path).map((request) => [request.apiKey, request.signatureValid])).toEqual([[account.apiKey, true]]);
    }
    // Each account's state moved, and only its own.
    expect(desk.binance.account(MAIN.apiKey).loans.get('BTC')).toBe('0.4');
    expect(desk.binance.account(PRO.apiKey).autoRepayFutures).toBe(false);
    expect(desk.binance.account(FUTURES.apiKey).loans.get('BTC')).toBe('0.5');
  });

  it('asks which account when several can run it, and takes the one named', async () => {
    // USDⓈ-M futures: the futures account and the Portfolio Margin Pro account both trade them.
    const asked = await refusal(bot.service.request(admin(), desk.endpoint('futures.margin-type'), MARGIN_TYPE));
    expect(asked.kind).toBe('invalid');
    expect(asked.message).toMatch(/`account` is required: this command can run on futures \(Futures desk\), pro; choose one/);
    const view = await bot.service.request(admin(), desk.endpoint('futures.margin-type'), { ...MARGIN_TYPE, account: 'pro' });
    await claimed(await bot.service.confirm(admin(), view.action.id)).run();
    expect(posts('/fapi/v1/marginType').map((request) => request.apiKey)).toEqual([PRO.apiKey]);
    expect(desk.binance.account(PRO.apiKey).marginTypes.get('BTCUSDT')).toBe('ISOLATED');
    expect(desk.binance.account(FUTURES.apiKey).marginTypes.get('BTCUSDT')).toBeUndefined();
    // The log says which account and which key: the requested row binds the account, the sent row names the key (a digest).
    const rows = await bot.store.log.forAction(view.action.id);
    expect(JSON.parse(rows.find((row) => row.event === 'requested')?.request_json ?? '{}')).toMatchObject({ account: 'pro' });
    expect(JSON.parse(rows.find((row) => row.event === 'sent')?.request_json ?? '{}')).toMatchObject({
      account: 'pro',
      keyId: bot.accounts.get('pro')?.client.keyId,
    });
    expect(bot.accounts.get('pro')?.client.keyId).not.toBe(bot.accounts.get('futures')?.client.keyId);
  });

  it('turns down an account the bot does not hold as invalid input, sending nothing', async () => {
    const error = await refusal(bot.service.request(admin(), desk.endpoint('pm.repay-debt'), { asset: 'BTC', account: 'nope' }));
    expect([error.kind, error.message]).toEqual(['invalid', expect.stringContaining("`account` `nope` is not one of this bot's accounts: main, futures, pro")]);
    expect(desk.binance.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });
});

describe('refused before Confirm', () => {
  it('refuses /futures margin-type on the Portfolio Margin account, naming the permission its key lacks', async () => {
    const error = await refusal(bot.service.request(admin(), desk.endpoint('futures.margin-type'), { ...MARGIN_TYPE, account: 'main' }));
    expect(error.kind).toBe('refused');
    expect(error.message).toMatch(
      /^Refused: the API key of account main lacks "Enable Futures" \(enableFutures\): Binance removes it from the keys of an account on Portfolio Margin/,
    );
    expect(await bot.store.db.get('SELECT COUNT(*) AS n FROM pending_actions')).toEqual({ n: 0 });
    expect(posts('/fapi/v1/marginType')).toEqual([]);
    const [row] = await bot.store.log.recent({ limit: 1, account: 'main' });
    expect(row).toMatchObject({ event: 'refused', action_key: 'futures.margin-type', account: 'main', detail: expect.stringContaining('enableFutures') });
  });

  it('refuses a Portfolio Margin Pro command on the Portfolio Margin account as another kind of account', async () => {
    const error = await refusal(bot.service.request(admin(), desk.endpoint('pm-pro.bankruptcy-repay'), { account: 'main' }));
    expect(error.message).toMatch(
      /account main is not a Portfolio Margin Pro account, which this command needs \(it is a Portfolio Margin account \(accountType PM_2\)/,
    );
  });

  it('keeps grants apart: a grant for futures does not let its holder act on another account', async () => {
    await grant(ALICE_ID, 'futures.margin-type', 'futures');
    const alice = desk.actor(ALICE_ID, 'alice');
    const error = await refusal(bot.service.request(alice, desk.endpoint('futures.margin-type'), { ...MARGIN_TYPE, account: 'pro' }));
    expect(error.message).toMatch(/^Refused: you have not been granted `futures.margin-type`.*\(on account pro\)/);
    const view = await bot.service.request(alice, desk.endpoint('futures.margin-type'), { ...MARGIN_TYPE, account: 'futures' });
    await claimed(await bot.service.confirm(alice, view.action.id)).run();
    expect(posts('/fapi/v1/marginType').map((request) => request.apiKey)).toEqual([FUTURES.apiKey]);
  });
});

describe('at the click', () => {
  it('sends nothing for a confirmation whose account was removed from the configuration, and says why', async () => {
    const view = await bot.service.request(admin(), desk.endpoint('futures.margin-type'), { ...MARGIN_TYPE, account: 'futures' });
    await bot.close();
    // The restart without `futures` in BINANCE_ACCOUNTS.
    bot = await desk.start(['main', 'pro']);
    const error = await refusal(bot.service.confirm(admin(), view.action.id));
    expect(error.kind).toBe('revoked');
    expect(error.message).toMatch(/^Closed: the account futures is no longer in the bot's configuration \(BINANCE_ACCOUNTS\)/);
    expect(posts('/fapi/v1/marginType')).toEqual([]);
    expect((await bot.store.pending.get(view.action.id))?.state).toBe('cancelled');
    expect((await bot.store.log.forAction(view.action.id)).map((row) => row.event)).toEqual(['requested', 'refused']);
  });

  it('sends nothing when a key check since the request found the key lost the permission', async () => {
    const view = await bot.service.request(admin(), desk.endpoint('pm.repay-negative-balance'), {});
    desk.binance.account(MAIN.apiKey).setPermissions({ enablePortfolioMarginTrading: false });
    await bot.keyChecks.run('status');
    const error = await refusal(bot.service.confirm(admin(), view.action.id));
    expect(error.message).toMatch(/the API key of account main lacks "Enable Portfolio Margin Trading" \(enablePortfolioMarginTrading\)/);
    expect(posts('/papi/v1/repay-futures-negative-balance')).toEqual([]);
  });
});

describe('key checks', () => {
  it('logs each account’s check at start-up, and what each can run', async () => {
    const rows = (await bot.store.log.recent({ limit: 10 })).filter((row) => row.event === 'key-check').reverse();
    expect(rows.map((row) => [row.account, JSON.parse(row.params_json ?? '{}').runs])).toEqual([
      ['main', ['pm.repay-debt', 'pm.repay-negative-balance']],
      ['futures', ['futures.margin-type']],
      ['pro', ['pm-pro.auto-repay-futures', 'pm-pro.bankruptcy-repay', 'futures.margin-type']],
    ]);
    expect(rows[0]?.detail).toBe('main (PM desk): Portfolio Margin; can run pm.repay-debt, pm.repay-negative-balance');
  });

  it('keeps what it knew when a re-check cannot read Binance, and says so', async () => {
    desk.binance.account(FUTURES.apiKey).failNext('/sapi/v1/account/apiRestrictions', { kind: 'server-error', status: 502 });
    const before = (await bot.store.log.recent({ limit: 100 })).length;
    await bot.keyChecks.run('status');
    expect(bot.accounts.eligibility(desk.endpoint('futures.margin-type'), 'futures')).toEqual({ kind: 'eligible' });
    expect(inEnglish(bot.accounts.failure('futures')?.reason as Said)).toMatch(/apiRestrictions: no answer/);
    // Nothing changed, so no row; the next check that reads it clears the failure.
    expect((await bot.store.log.recent({ limit: 100 })).length).toBe(before);
    await bot.keyChecks.run('status');
    expect(bot.accounts.failure('futures')).toBeUndefined();
  });
});

describe('a key that cannot be read at start-up', () => {
  it('allows its commands unchecked, says so loudly, and reads it again on the schedule', async () => {
    const other = await createDesk();
    try {
      other.binance.account(FUTURES.apiKey).failNext('/sapi/v1/account/apiRestrictions', { kind: 'drop', executed: false });
      const started = await other.start();
      // Not guessed: the futures account may be of any kind, so pm.repay-debt may run there too, and the bot asks which.
      expect(inEnglishReason(started.accounts.eligibility(other.endpoint('pm.repay-debt'), 'futures'))).toEqual({
        kind: 'unchecked',
        reason: expect.stringMatching(/permissions could not be read/),
      });
      const view = await started.service.request(other.actor(ADMIN_ID), other.endpoint('futures.margin-type'), { ...MARGIN_TYPE, account: 'futures' });
      expect({ ...view.account, eligibility: inEnglishReason(view.account.eligibility) }).toEqual({
        shown: 'futures (Futures desk)',
        eligibility: { kind: 'unchecked', reason: expect.stringMatching(/^account futures: its key's permissions could not be read/) },
      });
      const warned = other.lines
        .map((line) => JSON.parse(line) as { level: string; message: string })
        .find((line) => line.message.includes('futures (Futures desk)'));
      expect(warned).toMatchObject({ level: 'warn', message: expect.stringMatching(/❔ NOT READ: GET \/sapi\/v1\/account\/apiRestrictions: no answer/) });

      const scheduled = new KeyChecks({ accounts: started.accounts, endpoints: ENDPOINTS, store: started.store, log: silentLogger, retryMs: 30 });
      scheduled.start();
      try {
        await expect.poll(() => started.accounts.eligibility(other.endpoint('pm.repay-debt'), 'futures').kind, { timeout: 3_000 }).toBe('ineligible');
      } finally {
        scheduled.stop();
      }
      const rows = (await started.store.log.recent({ limit: 20, account: 'futures' })).filter((row) => row.event === 'key-check');
      expect(rows[0]).toMatchObject({ detail: 'futures (Futures desk): USDⓈ-M futures; can run futures.margin-type' });
    } finally {
      await other.close();
    }
  });
});
