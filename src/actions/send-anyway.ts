// No blind re-send. A request for the same action, account and parameters as
// an earlier one whose outcome is still UNKNOWN (nobody knows whether it ran),
// that is being sent right now, or that executed in the last few minutes, is
// most likely the same intent sent twice. Its confirmation says so, with the
// earlier ref and its state, and its Confirm then needs a second, explicit
// "Send anyway" click. The check runs when the confirmation is shown and again
// inside the Confirm's claim transaction, so an outcome recorded in between is
// seen. A call that is idempotent (the same effect twice) is only held back by
// an UNKNOWN earlier one: sending it again after a success changes nothing.
import { encodeParams } from '../binance/index.ts';
import { parseJsonText } from '../json-text.ts';
import type { PendingAction, Queries, Store } from '../store/index.ts';
import type { Actor } from './actor.ts';
import type { Refusal } from './click-rules.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { OperatorError } from './errors.ts';
import { inEnglish, type Said } from '../i18n/index.ts';

/** How long after an execution an identical request still needs "Send anyway". */
export const RECENT_EXECUTION_MS = 5 * 60_000;

/** What is known of the earlier request. */
export type EarlierState = 'in-flight' | 'unknown' | 'executed';

export interface EarlierRequest {
  readonly actionId: string;
  readonly requesterTag: string;
  readonly state: EarlierState;
  /** When it was sent, or decided (local epoch ms). */
  readonly at: number;
}

/** A Confirm turned down until the requester clicks "Send anyway"; the flow shows that button. */
export class SendAnywayNeeded extends OperatorError {
  constructor(
    message: Said,
    readonly earlier: EarlierRequest,
  ) {
    super('refused', message);
  }
}

/** The earlier request `action` repeats, read in `q`, if any. */
export async function earlierRequest(store: Store, q: Queries, action: PendingAction, endpoint: EndpointDeclaration, now: number): Promise<EarlierRequest | undefined> {
  const params = paramsOf(action.requestJson);
  if (params === undefined) return undefined;
  const repeatsExecution = !endpoint.risk.idempotent;
  // An idempotent call's recent successes do not count: they are not even read.
  const recentSince = repeatsExecution ? now - RECENT_EXECUTION_MS : Number.MAX_SAFE_INTEGER;
  const candidates = await store.reconcile.sameActionsIn(q, { actionKey: action.actionKey, account: action.account, excludeId: action.id, recentSince });
  for (const row of candidates) {
    if (paramsOf(row.requestJson) !== params) continue;
    const base = { actionId: row.id, requesterTag: row.requesterTag };
    if (row.state === 'executing') {
      if (repeatsExecution) return { ...base, state: 'in-flight', at: row.claimedAt ?? now };
      continue;
    }
    if (row.outcomeKind === 'unknown') {
      const decided = await store.reconcile.resolutionIn(q, row.id);
      if (decided === undefined) return { ...base, state: 'unknown', at: row.finishedAt ?? now };
      if (decided.verdict === 'executed' && repeatsExecution && decided.at >= now - RECENT_EXECUTION_MS) return { ...base, state: 'executed', at: decided.at };
      continue;
    }
    if (row.outcomeKind === 'success' && repeatsExecution) return { ...base, state: 'executed', at: row.finishedAt ?? now };
  }
  return undefined;
}

/** What the earlier request is, in a sentence (its ref first). */
export function describeEarlier(earlier: EarlierRequest, now: number = Date.now()): Said {
  const said = { ref: earlier.actionId.slice(0, 8), tag: earlier.requesterTag };
  switch (earlier.state) {
    case 'unknown':
      return (t) => t.sendAnyway.earlier.unknown(said);
    case 'in-flight':
      return (t) => t.sendAnyway.earlier.inFlight(said);
    case 'executed': {
      const minutes = Math.floor((now - earlier.at) / 60_000);
      return (t) => (minutes < 1 ? t.sendAnyway.earlier.executedJustNow(said) : t.sendAnyway.earlier.executed({ ...said, minutes }));
    }
    default: {
      const unreachable: never = earlier.state;
      return unreachable;
    }
  }
}

/** The Confirm's refusal while an earlier identical request stands: logged, and nothing is closed. */
export function sendAnywayRefusal(actor: Actor, earlier: EarlierRequest): Refusal {
  const what = describeEarlier(earlier);
  return {
    detail: inEnglish((t) => t.sendAnyway.needed({ earlier: what(t) })),
    message: (t) => t.sendAnyway.refusal({ earlier: what(t) }),
    closes: false,
    by: actor,
    earlier,
  };
}

/** The `confirmed` row's note when the requester sent anyway. */
export function sentAnywayDetail(earlier: EarlierRequest | undefined): string | undefined {
  if (earlier === undefined) return undefined;
  const what = describeEarlier(earlier);
  return inEnglish((t) => t.sendAnyway.sentAnyway({ earlier: what(t) }));
}

function paramsOf(requestJson: string): string | undefined {
  const stored = parseJsonText(requestJson) as { params?: unknown } | undefined;
  const params = stored?.params;
  if (!Array.isArray(params) || !params.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string'))) return undefined;
  return encodeParams(params as Array<[string, string]>);
}
