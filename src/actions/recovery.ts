// Actions a bot process claimed and never finished: it stopped mid-call, or
// could not record the outcome. Every process beats in the database; an action
// left "executing" by a process that stopped beating (or older than any call
// could take) is closed: UNKNOWN when its "sent" row exists (it may have
// executed; a person checks), not sent otherwise.
import type { GatewayReport, PendingAction, Store } from '../store/index.ts';

/** How often a process beats, and how long without a beat means it is gone. */
export const HEARTBEAT_MS = 2_000;
export const HEARTBEAT_STALE_MS = 5 * HEARTBEAT_MS;
const DEFAULT_STALE_AFTER_MS = 120_000;

export interface RecoveredAction {
  readonly action: PendingAction;
  readonly outcome: 'unknown' | 'not-sent';
}

export class Recovery {
  constructor(
    private readonly store: Store,
    /** This process, as recorded on the actions it claims and in its heartbeat. */
    private readonly instanceId: string,
    private readonly now: () => number,
    /** How long after its claim an action still "executing" counts as abandoned, whoever holds it. */
    private readonly staleAfterMs = DEFAULT_STALE_AFTER_MS,
  ) {}

  /**
   * Run at start-up and then periodically: an action claimed by another process
   * that is still running is left alone until it is older than `staleAfterMs`.
   */
  async recoverInterrupted(): Promise<RecoveredAction[]> {
    const { store } = this;
    const recovered: RecoveredAction[] = [];
    for (const action of await store.pending.interrupted()) {
      if (!(await this.#abandoned(action))) continue;
      // Decided inside the transaction: the owner writes its "sent" row under the same
      // write lock, so either it is already there (UNKNOWN) or the owner, finding its
      // claim gone, will not send (not sent).
      const outcome = await store.db.transaction(async (tx) => {
        const current = await store.pending.getIn(tx, action.id);
        if (current?.state !== 'executing' || current.claimedBy !== action.claimedBy) return undefined;
        const sent = await store.log.sentRowIn(tx, action.id);
        const kind = sent === undefined ? ('not-sent' as const) : ('unknown' as const);
        await store.pending.finish(tx, action.id, kind === 'unknown' ? { outcomeKind: 'unknown' } : 'failed', this.now());
        await store.log.appendIn(tx, {
          event: 'outcome',
          actionId: action.id,
          actionKey: action.actionKey,
          userId: sent?.user_id ?? action.requesterId,
          userTag: sent?.user_tag ?? action.requesterTag,
          guildId: action.guildId,
          channelId: action.channelId,
          outcomeKind: kind,
          detail:
            kind === 'unknown'
              ? 'the bot stopped while this request was in flight: it may have executed. Check in Binance before trying again.'
              : 'the bot stopped after the confirmation and before sending: nothing was sent.',
        });
        return kind;
      });
      if (outcome !== undefined) recovered.push({ action, outcome });
    }
    return recovered;
  }

  /** Tells the other processes sharing the database (and `npm run health`) that this one is running, and how its gateway is. */
  heartbeat(gateway?: GatewayReport): Promise<void> {
    return this.store.processes.beat(this.instanceId, this.now(), gateway);
  }

  /** A clean stop, after the drain: this process holds no claim any more. */
  retire(): Promise<void> {
    return this.store.processes.end(this.instanceId);
  }

  /**
   * Whether an "executing" action's owner is gone: its claim is older than any
   * call could take (whoever holds it, this process included: an outcome that
   * could not be recorded), or the owner stopped beating.
   */
  async #abandoned(action: PendingAction): Promise<boolean> {
    const now = this.now();
    if (now - (action.claimedAt ?? action.confirmedAt ?? action.createdAt) > this.staleAfterMs) return true;
    if (action.claimedBy === null || action.claimedBy === this.instanceId) return false;
    const beat = await this.store.processes.lastBeat(action.claimedBy);
    return beat === undefined || now - beat > HEARTBEAT_STALE_MS;
  }
}
