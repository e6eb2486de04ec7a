// The claim of a click, in one transaction: the trail checked first (the
// database is what its log explains: trail.ts), the action still where the
// click found it, and the click's rules decided again under the write lock
// (grants, policy, freeze, daily cap). A refusal there is written (the request
// closed when it can never run, and logged); an altered database closes the
// request as tampered; a claim that changes no row lost a race.
import type { LogEntry, PendingAction, Queries, Store } from '../store/index.ts';
import type { Actor } from './actor.ts';
import { isRefusal, refusalError, type ClickRules, type Refusal } from './click-rules.ts';
import { closeTampered, TamperedError } from './tamper.ts';

/** What a claim does once the rules passed inside its transaction: the row it moves, the log row, and what the click gets. */
export interface Claim<R> {
  readonly claim: () => Promise<boolean>;
  readonly entry: LogEntry;
  readonly result: R;
}

export type ClaimResult<R> = { readonly kind: 'claimed'; readonly result: R } | { readonly kind: 'lost' };

/** Claims `action` for `actor` as `decide` says, in one transaction; throws the refusal or the tamper finding. */
export async function claimAction<R>(
  store: Store,
  rules: ClickRules,
  now: () => number,
  actor: Actor,
  action: PendingAction,
  decide: (tx: Queries) => Promise<Refusal | Claim<R>>,
): Promise<ClaimResult<R>> {
  const result = await store.db.transaction(async (tx) => {
    const altered = await store.trail.check(tx);
    if (altered.length > 0) {
      await closeTampered(store, tx, action, actor, { actionKey: action.actionKey, findings: altered }, now(), 'click');
      return { kind: 'tampered' as const, findings: altered };
    }
    const current = await store.pending.getIn(tx, action.id);
    if (current?.state !== action.state || current.expiresAt <= now()) return { kind: 'lost' as const };
    const decided = await decide(tx);
    if (isRefusal(decided)) {
      await rules.record(tx, action, decided);
      return { kind: 'refused' as const, refusal: decided };
    }
    if (!(await decided.claim())) return { kind: 'lost' as const };
    await store.log.appendIn(tx, decided.entry);
    return { kind: 'claimed' as const, result: decided.result };
  });
  switch (result.kind) {
    case 'tampered':
      throw new TamperedError(action.id, action.actionKey, result.findings);
    case 'refused':
      throw refusalError(result.refusal);
    case 'lost':
    case 'claimed':
      return result;
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/** The rules read before the claim turned the click down: written, then explained. */
export async function answerEarly<T extends object>(store: Store, rules: ClickRules, action: PendingAction, decided: Refusal | T): Promise<void> {
  if (!isRefusal(decided)) return;
  await store.db.transaction((tx) => rules.record(tx, action, decided));
  throw refusalError(decided);
}
