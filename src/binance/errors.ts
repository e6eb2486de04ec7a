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
// The English meanings are Binance's pages in the bot's words; other languages
// come from the catalog (src/i18n/zh-CN/binance-codes.ts), keyed the same way.
import { inEnglish, type Said } from '../i18n/index.ts';
import { codeMeaningIn } from '../i18n/zh-CN/binance-codes.ts';
import { CODE_TABLES, type CodeMeaning, type CodeOutcome } from './error-codes.ts';
import type { Family } from './families.ts';

export type { CodeMeaning, CodeOutcome };

/** The documented meaning of `code` on `family`'s error page, if it has one. */
export function binanceCodeMeaning(family: Family, code: number): CodeMeaning | undefined {
  const key = tableCode(family, code);
  return key === undefined ? undefined : CODE_TABLES[family].get(key);
}

/** The code as `family`'s table holds it, or undefined when the table does not document it. */
function tableCode(family: Family, code: number): number | undefined {
  const codes = CODE_TABLES[family];
  if (codes.has(code)) return code;
  // The Portfolio Margin page prints its 51xxx margin codes without a minus sign;
  // whichever sign arrives, it is the same code.
  return Math.abs(code) >= 51_000 && Math.abs(code) < 52_000 && codes.has(-code) ? -code : undefined;
}

/**
 * Whether an error answer means the call was refused, or that it (or an earlier
 * call like it) may still execute. An `in-flight` code is a reason to
 * reconcile, never a plain rejection: the client reports it as UNKNOWN.
 */
export function classifyBinanceCode(family: Family, code: number): CodeOutcome {
  return binanceCodeMeaning(family, code)?.outcome ?? 'refused';
}

/** What `code` means on `family`'s error page, with the next step, in the reader's language; a code it does not document, said as such. */
export function codeMeaning(family: Family, code: number): Said {
  const key = tableCode(family, code);
  const english = key === undefined ? undefined : CODE_TABLES[family].get(key);
  return (t) => {
    if (key === undefined || english === undefined) return t.binance.unknownCode({ code });
    const meaning = t.locale === 'en-US' ? english : (codeMeaningIn(t.locale, family, key) ?? english);
    return t.binance.codeMeaning({ what: meaning.what, next: meaning.next });
  };
}

/** Plain-English meaning of a Binance error code for a family, with the next step. */
export function explainBinanceCode(family: Family, code: number): string {
  return inEnglish(codeMeaning(family, code));
}
