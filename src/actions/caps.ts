// Caps that mean what they say: each names one asset. A per-request cap bounds
// one request (or one approval); a daily cap bounds what one person's requests
// of one action spend in any rolling 24 hours, counting what is in flight
// (awaiting approval, executing) and what was sent with a success or UNKNOWN
// outcome (it may have executed). What counts is read from the hash-checked
// log as the trail last checked it (store/trail.ts, action-ledger.ts), never
// from the pending actions' columns, which a database writer could edit; so
// the trail is checked first, in the same decision. The daily check runs at
// the request (so the confirmation can show what is left) and again inside the
// claim's transaction, where the write lock makes it atomic: two requests on
// screen at once cannot both pass a total that only one of them fits.
import { addDecimals, compareDecimals, subtractDecimalsFloor } from '../decimal.ts';
import type { Messages, Said } from '../i18n/index.ts';
import { LEGACY_ANY_ASSET, type Cap, type EffectiveGrant, type Grant, type Queries, type Store } from '../store/index.ts';

export const DAILY_WINDOW_MS = 24 * 60 * 60_000;

export interface AmountRequest {
  readonly asset: string;
  /** undefined: no amount given (e.g. repay the whole loan). */
  readonly amount: string | undefined;
}

export type CapDecision = { readonly ok: true } | { readonly ok: false; readonly reason: Said };

/** Where a daily cap stands before a request: the cap, what counts against it, what is left. */
export interface DailyStanding {
  readonly asset: string;
  readonly dailyMax: string;
  readonly spent: string;
  readonly left: string;
}

/** The per-request caps of a grant (all its rows together), for one request. A grant no row caps is not capped. */
export function checkPerRequest(actionKey: string, grant: Pick<EffectiveGrant, 'capped' | 'caps'>, request: AmountRequest): CapDecision {
  const { caps } = grant;
  if (!grant.capped) return { ok: true };
  if (caps.some((cap) => cap.asset === LEGACY_ANY_ASSET)) {
    // Fail closed: "100" under a '*' cap could mean 100 USDT or 100 BTC.
    return { ok: false, reason: (t) => t.caps.legacyCap({ actionKey }) };
  }
  const { asset, amount } = request;
  const cap = caps.find((line) => line.asset === asset);
  if (cap === undefined) {
    const covered: Said =
      caps.length === 0 ? (t) => t.caps.coversNoAsset : (t) => t.caps.coversOnly({ caps: caps.map((line) => describeCap(line, t)).join(t.caps.separator) });
    return { ok: false, reason: (t) => t.caps.notCovered({ actionKey, covered: covered(t), asset }) };
  }
  if (amount === undefined) {
    return { ok: false, reason: (t) => t.caps.needsAmount({ actionKey, asset, cap: describeCap(cap, t) }) };
  }
  const { maxAmount } = cap;
  if (maxAmount !== null && compareDecimals(amount, maxAmount) > 0) {
    return { ok: false, reason: (t) => t.caps.overPerRequest({ amount, asset, max: maxAmount, capAsset: cap.asset, actionKey }) };
  }
  return { ok: true };
}

export interface DailyQuery {
  readonly userId: string;
  readonly actionKey: string;
  /** The account the action runs on. */
  readonly account: string;
  readonly request: AmountRequest;
  readonly now: number;
  /** The action being checked, when it is itself already in flight. */
  readonly excludeId?: string | undefined;
}

export type DailyDecision =
  | { readonly ok: true; readonly standing: DailyStanding | undefined }
  | { readonly ok: false; readonly reason: Said; readonly standing: DailyStanding };

/**
 * Checks `query` against the daily caps of the requester's grant (none for a
 * root admin or an uncapped asset): each row that caps the asset counts on its
 * own scope (a '*' row: one budget across every account), and every one must
 * hold. Pass the transaction's queries to make the check and what follows it
 * one atomic step.
 */
export async function checkDaily(store: Store, q: Queries, query: DailyQuery): Promise<DailyDecision> {
  const grant = await store.grants.get(query.userId, query.actionKey, query.account, q);
  let tightest: DailyStanding | undefined;
  for (const row of grant?.rows ?? []) {
    const cap = dailyCapOf(row, query.request.asset);
    if (cap === undefined) continue;
    // By the hash-checked log (trail.ts), not the pending actions' columns, which a database writer could lower.
    const amounts = store.trail.spent({
      userId: query.userId,
      actionKey: query.actionKey,
      account: row.account,
      asset: cap.asset,
      since: query.now - DAILY_WINDOW_MS,
      excludeId: query.excludeId,
    });
    const spent = amounts.reduce(addDecimals, '0');
    const standing: DailyStanding = { asset: cap.asset, dailyMax: cap.dailyMax, spent, left: subtractDecimalsFloor(cap.dailyMax, spent) };
    const amount = query.request.amount;
    const { actionKey } = query;
    if (amount === undefined) {
      return { ok: false, standing, reason: (t) => t.caps.dailyNeedsAmount({ actionKey, asset: cap.asset }) };
    }
    const total = addDecimals(spent, amount);
    if (compareDecimals(total, cap.dailyMax) > 0) {
      const figures = { amount, asset: cap.asset, actionKey, total, dailyMax: cap.dailyMax, spent, left: standing.left };
      return { ok: false, standing, reason: (t) => t.caps.overDaily(figures) };
    }
    if (tightest === undefined || compareDecimals(standing.left, tightest.left) < 0) tightest = standing;
  }
  return { ok: true, standing: tightest };
}

/** "1 BTC per request, 5 BTC per 24 h" */
export function describeCap(cap: Cap, t: Messages): string {
  if (cap.asset === LEGACY_ANY_ASSET) return t.caps.legacyDescribed({ max: cap.maxAmount ?? '?' });
  return [
    cap.maxAmount === null ? undefined : t.caps.perRequest({ amount: cap.maxAmount, asset: cap.asset }),
    cap.dailyMax === null ? undefined : t.caps.perDay({ amount: cap.dailyMax, asset: cap.asset }),
  ]
    .filter((part): part is string => part !== undefined)
    .join(t.caps.separator);
}

function dailyCapOf(grant: Grant, asset: string): (Cap & { dailyMax: string }) | undefined {
  const cap = grant.caps.find((line) => line.asset === asset);
  return cap === undefined || cap.dailyMax === null ? undefined : { ...cap, dailyMax: cap.dailyMax };
}
