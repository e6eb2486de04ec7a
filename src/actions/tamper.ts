// What happens when binding.ts finds a stored action altered: nothing is sent,
// the action is closed as refused, and a `tamper` row says who clicked, on
// which action and what differed. The row is mirrored to the audit channel
// like every other (announced in the channel where it happened when there is
// none), so the people who do not control the host see it.
import { inEnglish } from '../i18n/index.ts';
import type { PendingAction, Queries, Store } from '../store/index.ts';
import { who, type Actor } from './actor.ts';
import { OperatorError } from './errors.ts';

/** Why a tampered action was closed, as its closed_reason. */
export const TAMPERED = inEnglish((t) => t.pipeline.tampered.closedReason);

/** A click or a send stopped because the stored action was altered; the flow announces it. */
export class TamperedError extends OperatorError {
  constructor(
    readonly actionId: string,
    /** The action key the log recorded (the stored one may have been rewritten); access.admin for a proposal. */
    readonly actionKey: string,
    readonly findings: readonly string[],
    readonly subject: 'action' | 'proposal' = 'action',
  ) {
    super('tampered', subject === 'action' ? (t) => t.pipeline.tampered.refused : (t) => t.pipeline.tampered.proposalRefused);
  }
}

/**
 * Closes `action` as tampered and writes its `tamper` row in `tx`. At a click
 * the action is still waiting (pending or awaiting approval); at the send it is
 * executing under this process's claim, and also gets its not-sent outcome.
 */
export async function closeTampered(store: Store, tx: Queries, action: PendingAction, by: Actor, verdict: { actionKey: string; findings: readonly string[] }, now: number, at: 'click' | 'send'): Promise<void> {
  const closed = at === 'click' ? await store.pending.close(tx, action.id, 'cancelled', now, undefined, TAMPERED) : await store.pending.finish(tx, action.id, 'failed', now);
  await store.log.appendIn(tx, { event: 'tamper', actionId: action.id, actionKey: verdict.actionKey, ...who(by), detail: `nothing was sent: ${verdict.findings.join('; ')}` });
  if (at === 'send' && closed) {
    await store.log.appendIn(tx, { event: 'outcome', actionId: action.id, actionKey: verdict.actionKey, ...who(by), outcomeKind: 'not-sent', detail: 'nothing was sent: the stored action does not match the log (tampering)' });
  }
}
