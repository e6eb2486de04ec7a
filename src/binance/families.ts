// What differs between Binance's API families: where each keeps its clock,
// its health check, and the rate-limit counters it reports in headers.
// Families do not share limits, so each has its own budget. Within a family,
// IP-weighted counters belong to the host (every account's key on one IP
// spends them) and UID and order counters belong to the account (the key).
import type { Family } from '../config.ts';

export type { Family };
export const FAMILIES: readonly Family[] = ['sapi', 'papi', 'fapi'];

/** Which of Binance's limits an endpoint's documented weight counts against. */
export type WeightKind = 'ip' | 'uid' | 'order';

export interface Weight {
  readonly amount: number;
  readonly kind: WeightKind;
}

/** Who a counter belongs to: the IP on a host (shared by every account) or one account. */
export type CounterScope = 'ip' | 'account';

/** One counter Binance reports in a header, and the limit it must stay under. */
export interface CounterSpec {
  /** Lower-case response header, e.g. `x-mbx-used-weight-1m`. */
  readonly header: string;
  readonly scope: CounterScope;
  readonly intervalMs: number;
  readonly limit: number;
  /** How much a call adds to this counter, given its documented weight. */
  readonly cost: (weight: Weight) => number;
}

export interface FamilySpec {
  /** GET path answering `{ serverTime }`, and the family whose host serves it. */
  readonly time: { readonly family: Family; readonly path: string };
  /** GET path that answers `{}` when the family is reachable. */
  readonly pingPath: string;
  /** The documented weight of the ping and of the time call (both 1, IP-weighted). */
  readonly publicWeight: Weight;
  readonly counters: readonly CounterSpec[];
  readonly label: string;
}

const MINUTE = 60_000;
const costOf =
  (...kinds: WeightKind[]) =>
  (weight: Weight): number =>
    kinds.includes(weight.kind) ? weight.amount : 0;
const ONE_IP: Weight = { amount: 1, kind: 'ip' };
const onePerOrder = (weight: Weight): number => (weight.kind === 'order' ? 1 : 0);

export const FAMILY_SPECS: Readonly<Record<Family, FamilySpec>> = {
  sapi: {
    label: 'SAPI (Portfolio Margin Pro, api.binance.com)',
    time: { family: 'sapi', path: '/api/v3/time' },
    pingPath: '/api/v3/ping',
    publicWeight: ONE_IP,
    counters: [
      { header: 'x-sapi-used-ip-weight-1m', scope: 'ip', intervalMs: MINUTE, limit: 12_000, cost: costOf('ip') },
      // The UID limit is per endpoint; these are the only UID-weighted calls the bot makes.
      { header: 'x-sapi-used-uid-weight-1m', scope: 'account', intervalMs: MINUTE, limit: 180_000, cost: costOf('uid') },
    ],
  },
  papi: {
    label: 'PAPI (Portfolio Margin, papi.binance.com)',
    // The Portfolio Margin API has no time endpoint of its own; it runs on
    // Binance's one clock, which the spot host serves.
    time: { family: 'sapi', path: '/api/v3/time' },
    pingPath: '/papi/v1/ping',
    publicWeight: ONE_IP,
    counters: [
      // Repay-debt's 3000 is documented as ORDER weight, some SDKs count it as IP
      // weight: the budget counts it against both, and the headers that come back
      // correct the estimate either way.
      { header: 'x-mbx-used-weight-1m', scope: 'ip', intervalMs: MINUTE, limit: 6_000, cost: costOf('ip', 'order') },
      { header: 'x-mbx-order-count-1m', scope: 'account', intervalMs: MINUTE, limit: 1_200, cost: onePerOrder },
    ],
  },
  fapi: {
    label: 'FAPI (USDⓈ-M Futures, fapi.binance.com)',
    time: { family: 'fapi', path: '/fapi/v1/time' },
    pingPath: '/fapi/v1/ping',
    publicWeight: ONE_IP,
    counters: [
      { header: 'x-mbx-used-weight-1m', scope: 'ip', intervalMs: MINUTE, limit: 2_400, cost: costOf('ip') },
      { header: 'x-mbx-order-count-10s', scope: 'account', intervalMs: 10_000, limit: 300, cost: onePerOrder },
      { header: 'x-mbx-order-count-1m', scope: 'account', intervalMs: MINUTE, limit: 1_200, cost: onePerOrder },
    ],
  },
};
