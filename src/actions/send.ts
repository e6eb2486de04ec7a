// The send step: a claimed action's signed request goes to Binance, and its
// outcome is recorded. The request sent is the one rebuilt from the endpoint
// declaration at the click, never the stored one. The "sent" row is committed
// BEFORE the bytes leave, in a transaction that checks this process still
// holds the claim, that the bot is not frozen and that the stored action still
// matches its log (binding.ts); a failure after that is UNKNOWN (it may have
// executed) and is never retried.
import type { BinanceOutcome, BinanceRequest, RequestRecord } from '../binance/index.ts';
import { inEnglish } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { FreezeState, PendingAction, Store } from '../store/index.ts';
import type { Accounts } from './accounts.ts';
import { checkBinding, clipStored, type BindingContext, type BindingVerdict } from './binding.ts';
import { OperatorError } from './errors.ts';
import { outcomeLogFields } from './explain.ts';
import { frozenBy, frozenIn, frozenRefusal } from './freeze.ts';
import { closeTampered, TamperedError } from './tamper.ts';

/** What the send step needs from the process. */
export interface Sender {
  readonly store: Store;
  /** Each account's client: an action is signed only with the key of the account it names. */
  readonly accounts: Accounts;
  /** What the send re-checks the stored action against, in the "sent" row's transaction. */
  readonly binding: BindingContext;
  readonly log: Logger;
  /** This process, as named on its claims. */
  readonly instanceId: string;
  readonly now: () => number;
}

/**
 * Sends `request` (rebuilt from the declaration at the click) for the claimed
 * action, signed with the key of `account`: the account its `requested` row
 * logged (and its buttons' digest holds), never the stored column, which a
 * database writer could change between the click and the send. The "sent" row
 * is committed before the bytes leave, in a transaction that checks this
 * process still holds the claim, that the bot is not frozen, and that the
 * stored action still matches its log, names `account` and rebuilds to `request`.
 */
export async function sendClaimed(sender: Sender, action: PendingAction, request: BinanceRequest, account: string): Promise<BinanceOutcome> {
  const { store, log, instanceId, now } = sender;
  // The binding passed at the click, so the account is configured in this process; a client-less one sends nothing.
  const binance = sender.accounts.get(account)?.client;
  if (binance === undefined) throw new OperatorError('closed', (t) => t.pipeline.send.accountGone({ account }));
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
  let stopped: 'lost' | FreezeState | TamperedError | undefined;
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
            await store.log.appendIn(tx, { event: 'outcome', ...base, outcomeKind: 'not-sent', detail: `nothing was sent: ${inEnglish(frozenBy(frozen))}` });
            return frozen;
          }
          // The stored action re-read under the write lock: altered since the click, it sends nothing.
          const current = await store.pending.getIn(tx, action.id);
          const checked = current === undefined ? undefined : await checkBinding(sender.binding, tx, current, 'send', request);
          // The key about to sign must be the logged account's, whatever the rows say now.
          const verdict: BindingVerdict | undefined =
            checked?.kind === 'bound' && checked.record.account !== account
              ? { kind: 'tampered', actionKey: checked.endpoint.actionKey, findings: [`account: about to sign with ${clipStored(account)}'s key, logged ${clipStored(checked.record.account)}`] }
              : checked;
          if (current === undefined || verdict?.kind !== 'bound') {
            const finding = verdict?.kind === 'tampered' ? verdict : { actionKey: action.actionKey, findings: [verdict?.kind === 'cannot-run' ? inEnglish(verdict.detail) : 'the stored action vanished'] };
            await closeTampered(store, tx, current ?? action, { id: clicker.id, tag: clicker.tag, guildId: action.guildId, channelId: action.channelId }, finding, now(), 'send');
            return new TamperedError(action.id, finding.actionKey, finding.findings);
          }
          // Which account's key signs it (its digest, never the key): the log shows each action went out under its own.
          await store.log.appendIn(tx, { event: 'sent', ...base, request: { ...record, account, keyId: binance.keyId } });
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
        why: { kind: 'bot-error' },
        explanation: inEnglish((t) => t.binance.botError),
        latencyMs: 0,
      };
    } else if (stopped === 'lost') {
      throw new OperatorError('closed', (t) => t.pipeline.send.lost);
    } else if (stopped instanceof TamperedError) {
      throw stopped;
    } else if (stopped !== undefined) {
      const frozen = frozenRefusal(stopped);
      throw new OperatorError('revoked', (t) => t.pipeline.send.frozen({ reason: frozen(t) }));
    } else {
      log.error('could not record the send; the request was not sent', { actionId: action.id, error });
      await store.db
        .transaction(async (tx) => {
          await store.pending.finish(tx, action.id, 'failed', now());
          await store.log.appendIn(tx, { event: 'outcome', ...base, outcomeKind: 'not-sent', detail: 'the log could not be written, so nothing was sent' });
        })
        .catch(() => undefined);
      throw new OperatorError('unavailable', (t) => t.pipeline.send.logFailed);
    }
  }
  try {
    await store.db.transaction(async (tx) => {
      const finished = await store.pending.finish(tx, action.id, { outcomeKind: outcome.kind }, now());
      const fields = outcomeLogFields(outcome);
      // Still recorded when another process already closed it as UNKNOWN: the log keeps the real answer too.
      const late = finished ? {} : { detail: [fields.detail, 'arrived after another process had closed this action as abandoned'].filter(Boolean).join('; ') };
      await store.log.appendIn(tx, { event: 'outcome', ...base, params: { account }, ...fields, ...late });
    });
  } catch (error) {
    // The operator still sees Binance's answer; the action stays "executing" and is
    // recorded as UNKNOWN by the recovery sweep, which a person then checks.
    log.error('could not record the outcome of a sent request', { actionId: action.id, outcomeKind: outcome.kind, error });
  }
  return outcome;
}
