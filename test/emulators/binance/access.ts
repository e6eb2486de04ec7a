// Which kind of account may call which product's endpoints, and what Binance
// answers otherwise. Documented facts first; where Binance's docs are silent
// the most plausible documented code is chosen, and the line says so.
import type { AccountKind, EmulatedAccount } from './accounts.ts';
import { error, keyRefused } from './answers.ts';
import type { Answer, Product, SignedEndpoint } from './types.ts';

/** The kinds that may call each product's endpoints (an all-products test account calls all of them). */
const SERVED_BY: Readonly<Record<Product, readonly AccountKind[]>> = {
  papi: ['portfolio-margin'],
  'pm-pro': ['portfolio-margin-pro'],
  // GET /sapi/v1/portfolio/account documents `accountType` "PM_1 for PM PRO, PM_2 for PM":
  // a Portfolio Margin account reads it too.
  'pm-account': ['portfolio-margin', 'portfolio-margin-pro'],
  // Portfolio Margin Pro (formerly Classic Portfolio Margin) trades USDⓈ-M futures on
  // fapi: the USDⓈ-M docs carry its "Classic Portfolio Margin Account Information" endpoint.
  fapi: ['usds-futures', 'portfolio-margin-pro'],
  wallet: ['portfolio-margin', 'portfolio-margin-pro', 'usds-futures'],
};

/** Binance's answer when `account` may not call `endpoint`, or undefined when it may. */
export function refusal(account: EmulatedAccount, endpoint: SignedEndpoint): Answer | undefined {
  if (account.kind !== 'all-products' && !SERVED_BY[endpoint.product].includes(account.kind)) return kindRefusal(account.kind, endpoint.product);
  if (endpoint.permission !== undefined && account.permissions[endpoint.permission] !== true) return keyRefused();
  return undefined;
}

function kindRefusal(kind: AccountKind, product: Product): Answer {
  switch (product) {
    case 'fapi':
      // Documented: "enabling Portfolio Margin trading will restrict the usage of fapi and
      // dapi endpoints for trading and user data" and removes the keys' futures permission
      // (Binance FAQ "Binance Portfolio Margin API"): the key is refused with -2015.
      return keyRefused();
    case 'papi':
      // Docs silent on the code. apiRestrictions documents that a key without
      // enablePortfolioMarginTrading "does not support portfolio margin API service";
      // -2015 (key lacks the permission for the action) is the plausible answer.
      return keyRefused();
    case 'pm-pro':
    case 'pm-account':
      // A USDⓈ-M futures account is not a Portfolio Margin account: -21001
      // USER_IS_NOT_UNIACCOUNT "Request ID is not a Portfolio Margin Account." is the
      // documented meaning. A Portfolio Margin account calling a Pro-only endpoint:
      // docs silent; -2015 chosen as the generic "not for this key" refusal.
      return kind === 'usds-futures' ? error(400, -21001) : keyRefused();
    case 'wallet':
      return keyRefused();
  }
}
