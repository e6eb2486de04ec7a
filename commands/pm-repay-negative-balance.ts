// POST /papi/v1/repay-futures-negative-balance — cover negative futures balances.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { CLEAR, confirmed, contradicted, decimalText, defineReadBack, executed, notExecuted, signedGet, readAfter, stillUnknown } from '../src/actions/read-back.ts';
import { isZeroDecimal, magnitude } from '../src/decimal.ts';
import { PM } from './groups.ts';
import type { Messages, Said } from '../src/i18n/index.ts';

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
    preview: (state) => {
      const { uniMMR, accountStatus } = state.account;
      const negative = negativeText(state.balances);
      return [
        (t) => (negatives(state.balances).length === 0 ? words(t).nothingToRepay : words(t).repaid({ negative: negative(t) })),
        (t) => words(t).account({ uniMMR, status: accountStatus }),
      ];
    },
    // Binance documents no refusal for an account without a negative balance: the call changes nothing.
    preflight: () => CLEAR,
    verify: ({ after }) => {
      const negative = negativeText(after.balances);
      return negatives(after.balances).length === 0
        ? confirmed((t) => words(t).noneLeft)
        : contradicted((t) => words(t).remainsAfterSuccess({ negative: negative(t) }));
    },
    reconcile: ({ before, after, elapsedMs, laterSendAt }) => {
      const now = negatives(after.balances);
      const read = readAfter(elapsedMs);
      const had = before === undefined ? undefined : negatives(before.balances);
      const shown = negativeText(before?.balances ?? []);
      const left = negativeText(after.balances);
      if (now.length === 0) {
        if (laterSendAt !== undefined) return stillUnknown((t) => words(t).laterSend({ read: read(t) }));
        if (had !== undefined && had.length > 0) return executed((t) => words(t).gone({ negative: shown(t), read: read(t) }));
        return executed((t) => (had === undefined ? words(t).noneUnreadBefore({ read: read(t) }) : words(t).noneBefore({ read: read(t) })));
      }
      if (had !== undefined && now.some((entry) => !had.some((earlier) => earlier.asset === entry.asset && earlier.size === entry.size))) {
        return stillUnknown((t) => words(t).changed({ negative: left(t), read: read(t) }));
      }
      return elapsedMs < SETTLE_MS
        ? stillUnknown((t) => words(t).remains({ negative: left(t), read: read(t) }))
        : notExecuted((t) => words(t).remainsShown({ negative: left(t), read: read(t) }));
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

const words = (t: Messages) => t.endpoints.negativeBalance.state;

/** "negative futures balance: USDT −123.45, BTC −0.01" (each amount as Binance wrote it). */
function negativeText(balances: ReadonlyArray<{ asset: string; negativeBalance: string; umWalletBalance: string }>): Said {
  const found = negatives(balances);
  const list = found.map((entry) => `${entry.asset} −${entry.size}`).join(', ');
  return (t) => (found.length === 0 ? words(t).none : words(t).some({ balances: list }));
}
