// The send step: a claimed action's signed request goes to Binance, and its
// outcome is recorded. The "sent" row is committed BEFORE the bytes leave, in a
// transaction that checks this process still holds the claim and that the bot
// is not frozen; a failure after that is UNKNOWN (it may have executed) and
// is never retried.
import { z } from 'zod';
import type { BinanceClient, BinanceOutcome, RequestRecord } from '../binance/index.ts';
import type { Logger } from '../log.ts';
import type { FreezeState, PendingAction, Store } from '../store/index.ts';
import { OperatorError } from './errors.ts';
import { outcomeLogFields } from './explain.ts';
import { frozenBy, frozenIn, frozenRefusal } from './freeze.ts';

// The request as stored with a pending action: what was shown is what is sent.
export const storedRequest = z.object({
  family: z.enum(['sapi', 'papi', 'fapi']),
  method: z.literal('POST'),
  path: z.string(),
  params: z.array(z.tuple([z.string(), z.string()])),
  weight: z.object({ amount: z.number(), kind: z.enum(['ip', 'uid', 'order']) }),
  security: z.literal('signed'),
});

/** What the send step needs from the process. */
export interface Sender {
  readonly store: Store;
  readonly binance: BinanceClient;
  readonly log: Logger;
  /** This process, as named on its claims. */
  readonly instanceId: string;
  readonly now: () => number;
}

/**
 * Sends the claimed request. The "sent" row is committed before the bytes
 * leave, in a transaction that checks this process still holds the claim and
 * that the bot is not frozen.
 */
export async function sendClaimed(sender: Sender, action: PendingAction): Promise<BinanceOutcome> {
  const { store, binance, log, instanceId, now } = sender;
  const request = storedRequest.parse(JSON.parse(action.requestJson));
  const clicker = action.approverId === null ? { id: action.requesterId, tag: action.requesterTag } : { id: action.approverId, tag: action.approverTag ?? action.approverId };
  const base = {
    actionId: action.id,
    actionKey: action.actionKey,
    userId: clicker.id,
    userTag: clicker.tag,
    guildId: action.guildId,
    channelId: action.channelId,
  };
  let sent: RequestRecord | undefined;
  let stopped: 'lost' | FreezeState | undefined;
  let outcome: BinanceOutcome;
  try {
    outcome = await binance.execute(request, {
      beforeSend: async (record: RequestRecord) => {
        stopped = await store.db.transaction(async (tx) => {
          if (!(await store.pending.stillClaimedBy(tx, action.id, instanceId))) return 'lost' as const;
          const frozen = await frozenIn(store, tx);
          if (frozen !== undefined) {
            // Frozen between the claim and now: close it here, in the same transaction.
            await store.pending.finish(tx, action.id, 'failed', now());
            await store.log.appendIn(tx, { event: 'outcome', ...base, outcomeKind: 'not-sent', detail: `nothing was sent: ${frozenBy(frozen)}` });
            return frozen;
          }
          await store.log.appendIn(tx, { event: 'sent', ...base, request: record });
          return undefined;
        });
        if (stopped !== undefined) throw new Error('stopped before sending');
        sent = record;
      },
    });
  } catch (error) {
    if (sent !== undefined) {
      // The request left; whatever failed after that, Binance may have executed it.
      log.error('the bot failed after sending a request: its outcome is UNKNOWN', { actionId: action.id, error });
      outcome = {
        kind: 'unknown',
        request: sent,
        reason: 'bot-error',
        status: undefined,
        explanation: 'The request was sent, then the bot failed before it could read the answer: it may have executed, the status is UNKNOWN. It will not be re-sent; check in Binance before trying again.',
        latencyMs: 0,
      };
    } else if (stopped === 'lost') {
      throw new OperatorError('closed', 'Another bot process closed this action before it was sent; nothing was sent.');
    } else if (stopped !== undefined) {
      throw new OperatorError('revoked', `Nothing was sent: ${frozenRefusal(stopped)}.`);
    } else {
      log.error('could not record the send; the request was not sent', { actionId: action.id, error });
      await store.db
        .transaction(async (tx) => {
          await store.pending.finish(tx, action.id, 'failed', now());
          await store.log.appendIn(tx, { event: 'outcome', ...base, outcomeKind: 'not-sent', detail: 'the log could not be written, so nothing was sent' });
        })
        .catch(() => undefined);
      throw new OperatorError('unavailable', 'Nothing was sent: the action log could not be written, and the bot sends nothing it cannot record.');
    }
  }
  try {
    await store.db.transaction(async (tx) => {
      const finished = await store.pending.finish(tx, action.id, { outcomeKind: outcome.kind }, now());
      const fields = outcomeLogFields(outcome);
      // Still recorded when another process already closed it as UNKNOWN: the log keeps the real answer too.
      const late = finished ? {} : { detail: [fields.detail, 'arrived after another process had closed this action as abandoned'].filter(Boolean).join('; ') };
      await store.log.appendIn(tx, { event: 'outcome', ...base, ...fields, ...late });
    });
  } catch (error) {
    // The operator still sees Binance's answer; the action stays "executing" and is
    // recorded as UNKNOWN by the recovery sweep, which a person then checks.
    log.error('could not record the outcome of a sent request', { actionId: action.id, outcomeKind: outcome.kind, error });
  }
  return outcome;
}
