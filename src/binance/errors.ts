// What Binance's error codes mean, in words an operator can act on. Meanings
// differ by family (-4046 is "margin type already set" on fapi but "agreement
// not confirmed" on sapi), so the table is keyed by family first.
import type { Family } from './families.ts';

interface Meaning {
  readonly what: string;
  readonly next: string;
}

const COMMON: Readonly<Record<number, Meaning>> = {
  [-1000]: { what: 'Binance hit an unknown error while processing the request.', next: 'Check the account in Binance before trying again.' },
  [-1006]: {
    what: 'Binance got an unexpected answer from its message bus; the execution status is UNKNOWN.',
    next: 'Check in Binance whether it happened before trying again.',
  },
  [-1003]: { what: 'Too many requests: the rate limit was exceeded.', next: 'Wait for the limit to reset before sending more.' },
  [-1007]: {
    what: 'Binance timed out waiting for its back end; the execution status is UNKNOWN.',
    next: 'Check in Binance whether it happened before trying again.',
  },
  [-1013]: { what: 'Binance refused a parameter value (filter failure).', next: 'Check the value against the symbol or asset rules.' },
  [-1014]: { what: 'This combination of parameters is not supported.', next: 'Check the parameters.' },
  [-1015]: { what: 'Too many new orders.', next: 'Wait for the order-rate window to reset.' },
  [-1016]: { what: 'This service is no longer available.', next: 'Check Binance’s announcements.' },
  [-1021]: {
    what: "The request's timestamp was outside Binance's receive window: the bot's clock and Binance's disagree (clock drift or a slow network).",
    next: 'The bot re-synced its clock; nothing was executed. Confirm the action again if it is still wanted.',
  },
  [-1022]: {
    what: 'Binance says the signature is not valid: the secret or private key does not belong to this API key, the key type is wrong, or the request changed in transit.',
    next: 'Check BINANCE_API_SECRET / BINANCE_PRIVATE_KEY_PATH against the API key in Binance.',
  },
  [-1100]: { what: 'A parameter contains illegal characters.', next: 'Check the values sent.' },
  [-1101]: { what: 'Too many parameters were sent.', next: 'This is a bug in the bot: report it.' },
  [-1102]: {
    what: 'A mandatory parameter was missing, empty or malformed.',
    next: 'Check the values sent; if they look right, report a bug in the bot.',
  },
  [-1104]: { what: 'Binance did not read every parameter sent.', next: 'This is a bug in the bot: report it.' },
  [-1106]: { what: 'A parameter was sent that this endpoint does not take.', next: 'This is a bug in the bot: report it.' },
  [-1111]: {
    what: 'An amount has more decimal places than Binance allows for this asset.',
    next: 'Send the amount with fewer decimals.',
  },
  [-1116]: { what: 'Invalid order type.', next: 'Check the values sent.' },
  [-1121]: { what: 'Invalid symbol: Binance does not list it.', next: 'Check the symbol (e.g. BTCUSDT).' },
  [-1130]: { what: 'A parameter value was not valid.', next: 'Check the values sent.' },
  [-1131]: { what: 'recvWindow must be at most 60000.', next: 'Lower BINANCE_RECV_WINDOW.' },
  [-2014]: { what: "The API key's format is invalid.", next: 'Check BINANCE_API_KEY: copy it again from Binance.' },
  [-2015]: {
    what: "Binance refused the API key: it is wrong, this server's IP is not on the key's allow-list, or the key lacks the permission this action needs.",
    next: "Check the key's permissions and IP allow-list in Binance's API management.",
  },
  [-3015]: {
    what: 'The repay amount exceeds the amount borrowed (REPAY_EXCEED_LIABILITY).',
    next: 'Send at most the borrowed amount, or leave amount out to repay the whole loan.',
  },
  [-3041]: { what: 'The balance is not enough to repay.', next: 'Move funds into the account, or repay a smaller amount.' },
  [-3044]: { what: 'The margin system is busy.', next: 'Wait a moment, check in Binance that nothing happened, then try again.' },
};

const BY_FAMILY: Readonly<Record<Family, Readonly<Record<number, Meaning>>>> = {
  sapi: {
    [-4046]: { what: 'The Portfolio Margin Pro agreement has not been confirmed on this account.', next: 'Confirm the agreement in Binance first.' },
    [-2015]: {
      what: "Binance refused the API key: it is wrong, this server's IP is not allowed, or the key lacks the permission. The Portfolio Margin Pro repay needs 'Enable Spot & Margin Trading' on the key.",
      next: "Check the key's permissions and IP allow-list in Binance's API management.",
    },
  },
  papi: {
    [-2015]: {
      what: "Binance refused the API key: it is wrong, this server's IP is not allowed, or the key lacks the permission the Portfolio Margin API needs (the key must be created after Portfolio Margin was enabled, with trading enabled).",
      next: "Check the key's permissions and IP allow-list in Binance's API management.",
    },
  },
  fapi: {
    [-2015]: {
      what: "Binance refused the API key: it is wrong, this server's IP is not allowed, or the key lacks futures permission. Note: enabling Portfolio Margin removes the futures permission from an account's existing keys, so on a Portfolio Margin account this call fails with -2015.",
      next: "Check the key's futures permission and IP allow-list in Binance's API management.",
    },
    [-4046]: { what: 'No need to change the margin type: the symbol already uses it.', next: 'Nothing to do.' },
    [-4047]: { what: 'The margin type cannot change while the symbol has open orders.', next: 'Cancel the open orders on this symbol first.' },
    [-4048]: { what: 'The margin type cannot change while the symbol has an open position.', next: 'Close the position on this symbol first.' },
  },
};

/** Plain-English meaning of a Binance error code for a family, with the next step. */
export function explainBinanceCode(family: Family, code: number): string {
  const meaning = BY_FAMILY[family][code] ?? COMMON[code];
  if (meaning === undefined) return `Binance rejected the request with code ${code}; see the message for details. Nothing was executed.`;
  return `${meaning.what} ${meaning.next}`;
}
