// What a Confirm or an Approve must pass before its action is claimed: the
// clicker's (and at approval, the requester's) current grant, the freeze and
// the requester's daily cap. The rules are read twice: once without the write
// lock, to answer early, and again INSIDE the claim's transaction, where they
// decide. So a revoke, a policy raise or a freeze that commits while a click
// is being decided (in this process or another) is seen by the claim, and the
// action is refused or held for a second person instead of sent.
import { inEnglish, type Said } from '../i18n/index.ts';
import type { PendingAction, Queries, Store } from '../store/index.ts';
import { who, type Actor } from './actor.ts';
import type { Authorizer, Right } from './authorization.ts';
import { checkDaily } from './caps.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { OperatorError } from './errors.ts';
import { recordRefusal } from './refusals.ts';
import { frozenBy, frozenIn, frozenRefusal } from './freeze.ts';
import { SendAnywayNeeded, type EarlierRequest } from './send-anyway.ts';

/** Whose right a click rests on: the requester's Confirm, the approver's Approve, the requester's again at approval. */
export type ClickRole = 'requester' | 'approver' | 'requester-at-approval';

/** Why a click is turned down: what the log keeps (English), what the clicker is told, and whether the request closes. */
export interface Refusal {
  readonly detail: string;
  readonly message: Said;
  /** The request can never run as asked: it is closed (with this reason, when it has one worth keeping). */
  readonly closes: boolean;
  readonly closedReason?: string | undefined;
  /** Whose row it is in the log (the requester's lost right is logged under the requester). */
  readonly by: Actor;
  /** The earlier identical request this Confirm needs "Send anyway" for (send-anyway.ts). */
  readonly earlier?: EarlierRequest;
}

/** A stored action with its endpoint and its parsed options. */
export interface StoredAction {
  readonly action: PendingAction;
  readonly endpoint: EndpointDeclaration;
  readonly options: Record<string, unknown>;
}

export class ClickRules {
  constructor(
    private readonly store: Store,
    private readonly authorizer: Authorizer,
    private readonly now: () => number,
  ) {}

  /** The right `actor` clicks on as `role`, read in `q`; or the refusal. */
  async authorize(q: Queries, actor: Actor, stored: StoredAction, role: ClickRole): Promise<Right | Refusal> {
    const { action, endpoint, options } = stored;
    const decision = await this.authorizer.check(actor.id, endpoint.actionKey, {
      account: action.account,
      use: role === 'approver' ? 'approve' : 'request',
      amount: endpoint.amount?.(options),
      q,
    });
    if (decision.allowed) return decision;
    const { says: reason } = decision;
    if (role === 'approver') return { detail: `approval: ${inEnglish(reason)}`, message: (t) => t.common.refused({ reason: reason(t) }), closes: false, by: actor };
    // At approval the answer shows in the channel: say what happened, never the requester's caps or figures.
    const message: Said =
      role === 'requester-at-approval'
        ? (t) => t.pipeline.click.requesterLost({ tag: action.requesterTag, actionKey: endpoint.actionKey })
        : (t) => t.pipeline.click.refusedClosed({ reason: reason(t) });
    return { detail: `at the click: ${inEnglish(reason)}`, message, closes: true, by: actor };
  }

  /** The freeze and the requester's daily cap (with everything else in flight), read in `q`. */
  async guard(q: Queries, actor: Actor, stored: StoredAction): Promise<Refusal | undefined> {
    const { action, endpoint } = stored;
    const refused = (reason: Said, closedReason: string): Refusal => ({
      detail: inEnglish(reason),
      message: (t) => t.pipeline.click.refusedClosed({ reason: reason(t) }),
      closes: true,
      closedReason,
      by: actor,
    });
    const frozen = await frozenIn(this.store, q);
    if (frozen !== undefined) return refused(frozenRefusal(frozen), inEnglish(frozenBy(frozen)));
    if (action.amountAsset === null || endpoint.amount === undefined) return undefined;
    const daily = await checkDaily(this.store, q, {
      userId: action.requesterId,
      actionKey: action.actionKey,
      account: action.account,
      request: { asset: action.amountAsset, amount: action.amount ?? undefined },
      now: this.now(),
      excludeId: action.id,
    });
    return daily.ok ? undefined : refused(daily.reason, inEnglish((t) => t.pipeline.click.overDailyCap));
  }

  /** Writes a refusal in `q`: the request closed when it can never run, and the log row. */
  async record(q: Queries, action: PendingAction, refusal: Refusal): Promise<void> {
    const closed = refusal.closes ? await this.store.pending.close(q, action.id, 'cancelled', this.now(), undefined, refusal.closedReason) : false;
    // A request someone else closed in the meantime already has its story. An approver's refusal is recorded
    // every time: logged, or only counted when they hold no grant at all (refusals.ts); a close is always logged.
    if (closed) await this.store.log.appendIn(q, { event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(refusal.by), detail: refusal.detail });
    else if (!refusal.closes) {
      await recordRefusal(this.store, this.authorizer, { event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(refusal.by), userId: refusal.by.id, detail: refusal.detail }, q);
    }
  }
}

export function isRefusal<T extends object>(value: T | Refusal): value is Refusal {
  return 'detail' in value && 'closes' in value;
}

/** The operator's error for a refusal: 'revoked' closes the clicked message, 'refused' goes to the clicker alone. */
export function refusalError(refusal: Refusal): OperatorError {
  if (refusal.earlier !== undefined) return new SendAnywayNeeded(refusal.message, refusal.earlier);
  return new OperatorError(refusal.closes ? 'revoked' : 'refused', refusal.message);
}
