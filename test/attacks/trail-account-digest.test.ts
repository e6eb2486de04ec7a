// Issue 12's binding meets issue 14's accounts: a click must never be sent
// with another account's key. Two Portfolio Margin accounts can both run a
// repay; an insider who rewrites which account a pending repay names (to
// spend the other desk's collateral) gets nothing sent with either key:
// - the stored column alone rewritten: it no longer matches the `requested`
//   row that logged the account;
// - the column AND the logged row rewritten, the whole chain recomputed with
//   the bot stopped (no AUDIT_LOG_KEY, so nothing in the database disagrees):
//   the Confirm button's digest holds the account it was posted for.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { createDesk, DESK_ACCOUNTS, type Desk, type DeskAccount, type DeskProcess } from '../support/desk.ts';
import { ADMIN_ID } from '../support/harness.ts';
import { forgeChainFrom, withoutTriggers } from '../support/tamper.ts';

const [MAIN] = DESK_ACCOUNTS as [DeskAccount];
/** A second Portfolio Margin account, with its own key: the repay could run on either. */
const TREASURY: DeskAccount = {
  name: 'treasury',
  apiKey: 'DeskTreasuryPortfolioMargin1',
  secret: 'desk-treasury-secret-0000000000000000001',
  accountKind: 'portfolio-margin',
};
const REPAY = { asset: 'BTC', amount: '0.01', account: 'main' };

let desk: Desk;
let bot: DeskProcess;
beforeEach(async () => {
  desk = await createDesk([MAIN, TREASURY]);
  bot = await desk.start();
});
afterEach(async () => {
  await desk.close();
});

const admin = () => desk.actor(ADMIN_ID, 'admin');
const repays = () => desk.binance.requests.filter((request) => request.method === 'POST' && request.path === '/papi/v1/margin/repay-debt');

/** The click's outcome: the error it was refused with (nothing is run when it was not). */
async function clickConfirm(actionId: string, digest: string): Promise<unknown> {
  return bot.service.confirm(admin(), actionId, digest).then(
    async (result) => (result.kind === 'claimed' ? result.run() : result),
    (error: unknown) => error,
  );
}

describe('a Confirm whose stored account was rewritten to another configured account', () => {
  it('is refused as tamper when only the pending row names the other account, and nothing is sent with either key', async () => {
    const view = await bot.service.request(admin(), desk.endpoint('pm.repay-debt'), REPAY);
    await bot.store.db.run("UPDATE pending_actions SET account = 'treasury' WHERE id = ?", [view.action.id]);

    const error = await clickConfirm(view.action.id, view.digest);

    expect(error).toMatchObject({ kind: 'tampered', findings: [expect.stringContaining('account: stored treasury, logged main')] });
    expect(repays()).toEqual([]);
    expect((await bot.store.log.forAction(view.action.id)).map((row) => row.event)).toEqual(['requested', 'tamper']);
  });

  it('is refused by the button’s digest when the logged row was rewritten too and the chain recomputed, and nothing is sent with either key', async () => {
    const view = await bot.service.request(admin(), desk.endpoint('pm.repay-debt'), REPAY);
    const [requested] = await bot.store.log.forAction(view.action.id);
    if (requested === undefined) throw new Error('no requested row');
    expect(requested.request_json).toContain('"account":"main"');
    await bot.close();

    // With the bot stopped: the column, the logged account and every hash after it, consistent again.
    const file = await openStore(join(desk.dir, 'bot.sqlite'), {});
    await file.db.run("UPDATE pending_actions SET account = 'treasury' WHERE id = ?", [view.action.id]);
    await withoutTriggers(file.db, () =>
      forgeChainFrom(file.db, requested.seq, { request_json: (requested.request_json ?? '').replace('"account":"main"', '"account":"treasury"') }, 'sha256'),
    );
    await file.close();
    bot = await desk.start();

    const error = await clickConfirm(view.action.id, view.digest);

    expect(error).toMatchObject({ kind: 'tampered', findings: [expect.stringMatching(/its digest differs/)] });
    // Without the digest (a caller that passes none) this very click is signed with treasury's key.
    expect(repays()).toEqual([]);
    expect((await bot.store.log.forAction(view.action.id)).map((row) => row.event)).toEqual(['requested', 'tamper']);
    expect(await bot.store.pending.get(view.action.id)).toMatchObject({ state: 'cancelled', account: 'treasury' });
  });

  it('is sent with the logged account’s key when nothing was rewritten (the same click, untouched)', async () => {
    const view = await bot.service.request(admin(), desk.endpoint('pm.repay-debt'), REPAY);
    await clickConfirm(view.action.id, view.digest);
    expect(repays().map((request) => request.apiKey)).toEqual([MAIN.apiKey]);
  });
});
