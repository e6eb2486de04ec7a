// Closing an UNKNOWN outcome. The reconciler closes one from what it read
// back; a person who checked in Binance closes one with
// `/audit resolve ref:<ref> outcome:executed|not-executed note:<text>`, which
// needs the action's grant (either role) or access.admin. Either way it is a
// `reconciled` log row (hash-chained like every row) with its evidence, the
// first decision wins, and nothing is ever sent again.
import type { PendingAction, Queries, Resolution, Store, Verdict } from '../store/index.ts';
import { who, type Actor } from './actor.ts';
import { ACCESS_ADMIN, describeRight, type Authorizer } from './authorization.ts';
import { OperatorError } from './errors.ts';
import { assertTrail } from './integrity.ts';
import { inEnglish, type Said } from '../i18n/index.ts';
import { recordRefusal } from './refusals.ts';

/** A decision about an UNKNOWN outcome, as it is logged. */
export interface Decision {
  readonly verdict: Verdict;
  /** Logged in English; shown in the reader's language where the decision is shown. */
  readonly evidence: Said;
  /** The reads and the fields they showed (the reconciler's), or the person's note. */
  readonly params: unknown;
  /** The person who decided; undefined for the reconciler. */
  readonly by: Actor | undefined;
  /** It closes the outcome (executed or not executed), or it is the reconciler's last word (still unknown after a day). */
  readonly final: boolean;
}

/**
 * Writes `decision` as a `reconciled` row, in one transaction with the
 * schedule's state, unless the outcome was decided already (the first
 * decision wins). Returns whether it was written. The trail is checked first,
 * in the same transaction: a decision is never written on a database its log
 * does not explain (IntegrityError; the reconciler tries again later).
 */
export async function recordDecision(store: Store, action: PendingAction, decision: Decision, now: number): Promise<boolean> {
  return store.db.transaction(async (tx) => {
    await assertTrail(store, tx);
    if ((await store.reconcile.resolutionIn(tx, action.id)) !== undefined) return false;
    await store.log.appendIn(tx, {
      event: 'reconciled',
      actionId: action.id,
      actionKey: action.actionKey,
      ...(decision.by === undefined ? { guildId: action.guildId, channelId: action.channelId } : who(decision.by)),
      outcomeKind: decision.verdict,
      params: decision.params,
      detail: inEnglish(decision.evidence),
    });
    if (decision.final) {
      const state = decision.verdict === 'unknown' ? 'gave-up' : decision.verdict;
      await store.reconcile.closeIn(tx, action.id, state, action.claimedAt ?? action.finishedAt ?? now, now);
    }
    return true;
  });
}

export interface ResolvedByHand {
  readonly action: PendingAction;
  readonly outcome: Resolution;
}

/** `/audit resolve`: a person closes an UNKNOWN outcome they checked in Binance. */
export class Resolutions {
  constructor(
    private readonly store: Store,
    private readonly authorizer: Authorizer,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(actor: Actor, ref: string, outcome: Resolution, note: string): Promise<ResolvedByHand> {
    const { store } = this;
    const ids = await store.reconcile.idsByRef(ref);
    const noRef: Said = (t) => t.resolution.noRef({ ref });
    if (ids.length === 0) throw new OperatorError('not-found', noRef);
    if (ids.length > 1) throw new OperatorError('invalid', (t) => t.resolution.ambiguous({ ref }));
    const action = await store.pending.get(ids[0] ?? '');
    if (action === undefined) throw new OperatorError('not-found', noRef);
    // The right comes from the grants: only those the log explains (trail.ts), or nothing is decided.
    await assertTrail(store, store.db);
    const right = await this.#right(actor, action);
    if (right === undefined) {
      const reason: Said = (t) => t.resolution.needsRight({ actionKey: action.actionKey, admin: ACCESS_ADMIN });
      const detail = inEnglish((t) => t.resolution.refusedDetail({ reason: reason(t) }));
      await recordRefusal(store, this.authorizer, { event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(actor), userId: actor.id, detail });
      throw new OperatorError('refused', (t) => t.common.refused({ reason: reason(t) }));
    }
    const ref8 = action.id.slice(0, 8);
    const latest = await store.reconcile.latestOutcomeIn(store.db, action.id);
    if (latest?.kind !== 'unknown') {
      const kind = latest?.kind ?? 'recorded';
      throw new OperatorError('invalid', (t) => (latest === undefined ? t.resolution.neverSent({ ref: ref8 }) : t.resolution.notUnknown({ ref: ref8, kind })));
    }
    const decided = await recordDecision(
      store,
      action,
      { verdict: outcome, evidence: (t) => t.resolution.byHand({ right, note }), params: { note }, by: actor, final: true },
      this.now(),
    );
    if (!decided) {
      const earlier = await store.reconcile.resolutionIn(store.db as Queries, action.id);
      const seq = earlier?.seq ?? '?';
      throw new OperatorError('closed', (t) =>
        t.resolution.alreadyResolved({ ref: ref8, verdict: earlier === undefined ? '?' : t.reconcile.verdicts[earlier.verdict === 'executed' ? 'executed' : 'notExecuted'], seq }),
      );
    }
    return { action, outcome };
  }

  /** On what right `actor` may resolve `action`: its grant (either role) or access.admin. */
  async #right(actor: Actor, action: PendingAction): Promise<string | undefined> {
    const own = await this.authorizer.check(actor.id, action.actionKey, { account: action.account, use: 'approve' });
    if (own.allowed) return describeRight(own);
    const admin = await this.authorizer.check(actor.id, ACCESS_ADMIN, { use: 'approve' });
    return admin.allowed ? describeRight(admin) : undefined;
  }
}
