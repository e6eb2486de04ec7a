// What Binance's error codes mean, in words an operator can act on, and which
// of them leave the execution status UNKNOWN. Meanings differ by family (-4046
// is "margin type already set" on fapi but "agreement not confirmed" on sapi,
// -1008 "server busy" on sapi but "request throttled" on papi/fapi), so the
// table is keyed by (family, code). The codes are those of Binance's error-code
// pages that the bot's calls can reach:
// - sapi (Portfolio Margin Pro, and the margin system's -3xxx):
//   https://developers.binance.com/docs/derivatives/portfolio-margin-pro/error-code
//   (the same 10xx–3xxx as https://developers.binance.com/docs/margin_trading/error-code)
// - papi (Portfolio Margin): https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
// - fapi (USDⓈ-M futures): https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
// Left out on purpose: sections no call of the bot can reach (withdrawals, savings,
// crypto loans, BLVT, algo and order-execution codes beyond the general ones).
import { CODE_TABLES, type CodeMeaning, type CodeOutcome } from './error-codes.ts';
import type { Family } from './families.ts';

export type { CodeMeaning, CodeOutcome };

/** The documented meaning of `code` on `family`'s error page, if it has one. */
export function binanceCodeMeaning(family: Family, code: number): CodeMeaning | undefined {
  const codes = CODE_TABLES[family];
  // The Portfolio Margin page prints its 51xxx margin codes without a minus sign;
  // whichever sign arrives, it is the same code.
  return codes.get(code) ?? (Math.abs(code) >= 51_000 && Math.abs(code) < 52_000 ? codes.get(-code) : undefined);
}

/**
 * Whether an error answer means the call was refused, or that it (or an earlier
 * call like it) may still execute. An `in-flight` code is a reason to
 * reconcile, never a plain rejection: the client reports it as UNKNOWN.
 */
export function classifyBinanceCode(family: Family, code: number): CodeOutcome {
  return binanceCodeMeaning(family, code)?.outcome ?? 'refused';
}

/** Plain-English meaning of a Binance error code for a family, with the next step. */
export function explainBinanceCode(family: Family, code: number): string {
  const meaning = binanceCodeMeaning(family, code);
  if (meaning === undefined) return `Binance rejected the request with code ${code}; see the message for details. Nothing was executed.`;
  return `${meaning.what} ${meaning.next}`;
}
