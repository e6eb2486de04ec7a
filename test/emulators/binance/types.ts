// The shapes the local Binance's modules share: what a request looked like,
// how a test bends an answer (faults), and how an endpoint is declared.
import type { EmulatedAccount, PermissionName } from './accounts.ts';

export type EmulatedFamily = 'sapi' | 'papi' | 'fapi';

/**
 * What to do instead of (or before) answering normally. A `server-error`,
 * `delay` or `drop` EXECUTES the call by default (the worst case: the caller
 * sees no answer, yet the repay happened); `executed: false` makes the same
 * fault happen before the call runs, so the state shows that nothing changed.
 */
export type Fault =
  | { readonly kind: 'error'; readonly code: number; readonly msg?: string; readonly status?: number }
  | { readonly kind: 'rate-limit'; readonly status: 429 | 418; readonly retryAfterS: number }
  | { readonly kind: 'server-error'; readonly status?: number; readonly body?: string; readonly executed?: boolean }
  /**
   * Answers only after `ms`. Executed (default): the call runs at once and its
   * answer comes late. Not executed: after `ms` the answer is Binance's -1007
   * backend timeout and nothing ran.
   */
  | { readonly kind: 'delay'; readonly ms: number; readonly executed?: boolean }
  /** Reads the request, executes it (unless `executed: false`), then drops the connection without answering. */
  | { readonly kind: 'drop'; readonly executed?: boolean }
  /** Answers 200 with `body` and changes nothing: a success that the state, read back, contradicts. */
  | { readonly kind: 'false-success'; readonly body: string };

export interface ReceivedRequest {
  readonly at: number;
  /** performance.now() when the request arrived, for latency measurements in this process. */
  readonly hr: number;
  readonly method: string;
  readonly path: string;
  readonly family: EmulatedFamily;
  readonly query: string;
  readonly body: string;
  readonly apiKey: string | undefined;
  /** query + body without the signature: the bytes Binance verifies. */
  readonly totalParams: string;
  readonly params: Readonly<Record<string, string>>;
  readonly signature: string | undefined;
  readonly signatureValid: boolean | undefined;
  /** Whether the endpoint's effect happened (the call "executed" on Binance). */
  executed: boolean;
  status: number | undefined;
  code: number | undefined;
}

export interface Answer {
  readonly status: number;
  /** Raw JSON text, so big integers keep every digit. */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Params = Readonly<Record<string, string>>;

/** What every account shares: the exchange's symbols, its clock and its id sequences. */
export interface Market {
  readonly symbols: ReadonlySet<string>;
  serverNow(): number;
  /** A bankruptcy repay's tranId: above 2^53, as in the seed doc. */
  takeTranId(): string;
  /** A margin repay record's txId, above 2^53 like Binance's own ids. */
  takeTxId(): string;
  takeOrderId(): number;
}

/** Which of Binance's products an endpoint belongs to; decides which kinds of account may call it. */
export type Product = 'papi' | 'pm-pro' | 'pm-account' | 'fapi' | 'wallet';

interface EndpointBase {
  readonly method: 'GET' | 'POST';
  /** The documented weight; some depend on the parameters (openOrders without a symbol costs 40). */
  readonly weight: number | ((params: Params) => number);
  readonly weightKind: 'ip' | 'uid' | 'order';
}

export interface PublicEndpoint extends EndpointBase {
  readonly signed: false;
  readonly handle: (params: Params, market: Market) => Answer;
}

export interface SignedEndpoint extends EndpointBase {
  readonly signed: true;
  readonly product: Product;
  /** The key permission the call needs (apiRestrictions' field name); absent: any valid key. */
  readonly permission?: PermissionName;
  readonly handle: (params: Params, account: EmulatedAccount, market: Market) => Answer;
}

export type EndpointSpec = PublicEndpoint | SignedEndpoint;
