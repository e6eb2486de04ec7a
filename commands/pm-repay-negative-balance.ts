// POST /papi/v1/repay-futures-negative-balance — cover negative futures balances.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { CLEAR, confirmed, contradicted, decimalText, defineReadBack, executed, notExecuted, signedGet, sinceSend, stillUnknown } from '../src/actions/read-back.ts';
import { isZeroDecimal, magnitude } from '../src/decimal.ts';
import { PM } from './groups.ts';

const options = z.object({});

export default {
  group: PM,
  subcommand: 'repay-negative-balance',
  title: (t) => t.endpoints.negativeBalance.title,
  description: (t) => t.endpoints.negativeBalance.description,
  actionKey: 'pm.repay-negative-balance',
  docUrl: 'https://developers.binance.com/docs/derivatives/portfolio-margin/account/Repay-futures-Negative-Balance',
  options,
  binance: { family: 'papi', method: 'POST', path: '/papi/v1/repay-futures-negative-balance', weight: { amount: 750, kind: 'ip' } },
  // Portfolio Margin's trading permission, as the repay-debt above.
  requires: { kind: 'portfolio-margin', permission: 'enablePortfolioMarginTrading' },
  risk: { destructive: true, idempotent: false, irreversible: true },
  toParams: () => [],
  summary: () => (t) => t.endpoints.negativeBalance.summary,
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ msg: z.string() }), body, (answer) => [{ label: (t) => t.outcome.binanceSays, value: answer.msg }]),
  // Every asset's `negativeBalance` and `umWalletBalance` from GET /papi/v1/balance (IP 20), and
  // the account's `uniMMR` and `accountStatus` from GET /papi/v1/account (IP 20).
  readBack: defineReadBack(options, {
    docUrls: [
      'https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Balance',
      'https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information',
    ],
    reads: () => ({
      balances: signedGet('papi', '/papi/v1/balance', [], { amount: 20, kind: 'ip' }),
      account: signedGet('papi', '/papi/v1/account', [], { amount: 20, kind: 'ip' }),
    }),
    state: z.object({
      balances: z.array(z.object({ asset: z.string(), negativeBalance: decimalText, umWalletBalance: decimalText })),
      account: z.object({ uniMMR: decimalText, accountStatus: z.string() }),
    }),
    show: (state) => negativeText(state.balances),
    preview: (state) => [
      negatives(state.balances).length === 0
        ? 'no negative futures balance: nothing to repay (Binance answers success and changes nothing)'
        : `${negativeText(state.balances)} → repaid from the account's other assets`,
      `uniMMR ${state.account.uniMMR}, account status ${state.account.accountStatus}`,
    ],
    // Binance documents no refusal for an account without a negative balance: the call changes nothing.
    preflight: () => CLEAR,
    verify: ({ after }) => {
      const left = negatives(after.balances);
      return left.length === 0 ? confirmed('no negative futures balance left') : contradicted(`Binance answered success, but the ${negativeText(after.balances)} remains`);
    },
    reconcile: ({ before, after, elapsedMs, laterSendAt }) => {
      const now = negatives(after.balances);
      const read = `read ${sinceSend(elapsedMs)} after the send`;
      const had = before === undefined ? undefined : negatives(before.balances);
      if (now.length === 0) {
        if (laterSendAt !== undefined) return stillUnknown(`no negative futures balance (${read}), but an identical request was sent after this one: which of them repaid cannot be told`);
        return had !== undefined && had.length > 0
          ? executed(`the ${negativeText(before?.balances ?? [])} shown on the confirmation is gone (${read})`)
          : executed(`no negative futures balance (${read}); ${had === undefined ? 'it could not be read before' : 'there was none before either'}, so the account is as this call would leave it`);
      }
      if (had !== undefined && now.some((entry) => !had.some((earlier) => earlier.asset === entry.asset && earlier.size === entry.size))) {
        return stillUnknown(`the negative balance changed since the confirmation (${negativeText(after.balances)}, ${read}) but is not gone`);
      }
      return elapsedMs < SETTLE_MS ? stillUnknown(`the ${negativeText(after.balances)} remains (${read})`) : notExecuted(`the ${negativeText(after.balances)} shown on the confirmation remains (${read})`);
    },
  }),
} satisfies EndpointDeclaration<typeof options>;

/** How long after the send an unchanged negative balance means the call did not run. */
const SETTLE_MS = 30_000;

/** The assets whose futures balance is negative, with its size. */
function negatives(balances: ReadonlyArray<{ asset: string; negativeBalance: string; umWalletBalance: string }>): Array<{ asset: string; size: string }> {
  return balances.flatMap((entry) => {
    // `negativeBalance` is its size; a negative UM wallet shows it too.
    const size = magnitude(entry.negativeBalance) ?? '0';
    const wallet = entry.umWalletBalance.startsWith('-') ? (magnitude(entry.umWalletBalance) ?? '0') : '0';
    const shown = isZeroDecimal(size) ? wallet : size;
    return isZeroDecimal(shown) ? [] : [{ asset: entry.asset, size: shown }];
  });
}

function negativeText(balances: ReadonlyArray<{ asset: string; negativeBalance: string; umWalletBalance: string }>): string {
  const found = negatives(balances);
  return found.length === 0 ? 'no negative futures balance' : `negative futures balance: ${found.map((entry) => `${entry.asset} −${entry.size}`).join(', ')}`;
}
