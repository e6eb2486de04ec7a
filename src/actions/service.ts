// The one pipeline every endpoint goes through: validate → authorize →
// confirm → claim → send → log. It knows nothing of Discord: the Discord layer
// turns interactions into these calls and the results into messages, so no
// command can skip a step.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { encodeParams, type BinanceClient, type BinanceOutcome, type BinanceRequest, type RequestRecord } from '../binance/index.ts';
import type { Logger } from '../log.ts';
import type { GatewayReport, LogEntry, PendingAction, Queries, Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { OperatorError } from './errors.ts';

/** Who is acting, and where. */
export interface Actor {
  readonly id: string;
  readonly tag: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
}

/** Everything a confirmation shows, before anything is sent. */
export interface ConfirmationView {
  readonly action: PendingAction;
  readonly endpoint: EndpointDeclaration;
  readonly summary: string;
  readonly notes: readonly string[];
  readonly request: BinanceRequest;
  readonly approvalsRequired: 0 | 1;
}

/** A claimed action: the caller acknowledges the click, then calls run() once. */
export interface ClaimedAction {
  readonly kind: 'claimed';
  readonly action: PendingAction;
  readonly endpoint: EndpointDeclaration;
  run(): Promise<BinanceOutcome>;
}

export type ConfirmResult = ClaimedAction | { readonly kind: 'awaiting-approval'; readonly action: PendingAction; readonly endpoint: EndpointDeclaration };

export interface ActionServiceOptions {
  readonly endpoints: readonly EndpointDeclaration[];
  readonly store: Store;
  readonly binance: BinanceClient;
  readonly authorizer: Authorizer;
  readonly confirmTimeoutMs: number;
  readonly log: Logger;
  readonly now?: () => number;
  /** This process, as recorded on the actions it claims and in its heartbeat (default: host:pid:nonce). */
  readonly instanceId?: string;
  /**
   * How long after its claim an action still "executing" under another live (or
   * unknown) process counts as abandoned. Longer than a request can take.
   */
  readonly staleAfterMs?: number;
  /** Told about actions that expired, whoever noticed (the sweeper or a late click). */
  readonly onExpired?: (expired: readonly PendingAction[]) => void;
}

const DEFAULT_STALE_AFTER_MS = 120_000;
/** How often a process beats, and how long without a beat means it is gone. */
export const HEARTBEAT_MS = 2_000;
export const HEARTBEAT_STALE_MS = 5 * HEARTBEAT_MS;

// The request as stored with a pending action: what was shown is what is sent.
const storedRequest = z.object({
  family: z.enum(['sapi', 'papi', 'fapi']),
  method: z.literal('POST'),
  path: z.string(),
  params: z.array(z.tuple([z.string(), z.string()])),
  weight: z.object({ amount: z.number(), kind: z.enum(['ip', 'uid', 'order']) }),
  security: z.literal('signed'),
});

// Where the confirmation said the request would go: a click handled by a
// process with another host or dry-run setting must not send it.
const storedTarget = storedRequest.extend({ target: z.object({ baseUrl: z.string(), dryRun: z.boolean() }).optional() });
type Target = { readonly baseUrl: string; readonly dryRun: boolean };

export class ActionService {
  readonly #endpointsByKey: ReadonlyMap<string, EndpointDeclaration>;
  readonly #options: ActionServiceOptions;
  readonly #now: () => number;
  readonly #instanceId: string;

  constructor(options: ActionServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#endpointsByKey = new Map(options.endpoints.map((endpoint) => [endpoint.actionKey, endpoint]));
  }

  get endpoints(): readonly EndpointDeclaration[] {
    return this.#options.endpoints;
  }

  endpoint(group: string, subcommand: string): EndpointDeclaration | undefined {
    return this.#options.endpoints.find((endpoint) => endpoint.group.name === group && endpoint.subcommand === subcommand);
  }

  /** A slash command: validate, authorize, store the pending action and say what would be sent. */
  async request(actor: Actor, endpoint: EndpointDeclaration, raw: Readonly<Record<string, unknown>>): Promise<ConfirmationView> {
    const { store, authorizer } = this.#options;
    const base = { actionKey: endpoint.actionKey, ...who(actor) };
    const parsed = endpoint.options.safeParse(raw);
    if (!parsed.success) {
      const problems = describeIssues(parsed.error, raw);
      await store.log.append({ event: 'invalid', ...base, params: raw, detail: problems });
      throw new OperatorError('invalid', `Nothing was sent: the command has invalid options.\n${problems}`);
    }
    const options = parsed.data;
    const decision = await authorizer.check(actor.id, endpoint.actionKey, endpoint.amount?.(options));
    if (!decision.allowed) {
      await store.log.append({ event: 'refused', ...base, params: options, detail: decision.reason });
      throw new OperatorError('refused', `Refused: ${decision.reason}. Nothing was sent.`);
    }
    const request: BinanceRequest = {
      family: endpoint.binance.family,
      method: endpoint.binance.method,
      path: endpoint.binance.path,
      params: endpoint.toParams(options),
      weight: endpoint.binance.weight,
      security: 'signed',
    };
    const approvalsRequired = await store.grants.approvalsRequired(endpoint.actionKey);
    const now = this.#now();
    const action = await store.db.transaction(async (tx) => {
      const created = await store.pending.create(
        tx,
        {
          actionKey: endpoint.actionKey,
          requesterId: actor.id,
          requesterTag: actor.tag,
          guildId: actor.guildId,
          channelId: actor.channelId,
          // The raw options: re-parsed at each click for the grant check.
          optionsJson: JSON.stringify(raw),
          requestJson: JSON.stringify({ ...request, target: this.#target(request.family) }),
          expiresAt: now + this.#options.confirmTimeoutMs,
        },
        now,
      );
      await store.log.appendIn(tx, { event: 'requested', ...base, actionId: created.id, params: options, request: describeRequest(request) });
      return created;
    });
    return { action, endpoint, summary: endpoint.summary(options), notes: endpoint.notes?.(options) ?? [], request, approvalsRequired };
  }

  find(actionId: string): Promise<PendingAction | undefined> {
    return this.#options.store.pending.get(actionId);
  }

  /** What a stored action will send, for messages shown after the request (the approval request). */
  describe(action: PendingAction): Pick<ConfirmationView, 'endpoint' | 'summary' | 'notes' | 'request'> {
    const { endpoint, options } = this.#parseStored(action);
    return {
      endpoint,
      summary: endpoint.summary(options),
      notes: endpoint.notes?.(options) ?? [],
      request: storedRequest.parse(JSON.parse(action.requestJson)),
    };
  }

  setApprovalMessage(actionId: string, channelId: string, messageId: string): Promise<void> {
    return this.#options.store.pending.setApprovalMessage(actionId, channelId, messageId);
  }

  /** The requester's Confirm: claims the action (or hands it to a second person). */
  async confirm(actor: Actor, actionId: string): Promise<ConfirmResult> {
    const { store } = this.#options;
    const action = await this.#load(actionId);
    if (actor.id !== action.requesterId) {
      return this.#refuse(actor, action, 'confirm by someone else', `Only ${action.requesterTag}, who asked for this action, can confirm or cancel it.`);
    }
    await this.#assertState(action, 'pending');
    const { endpoint, options } = this.#parseStored(action);
    await this.#reauthorize(actor, action, endpoint, options, 'requester');
    await this.#assertSameTarget(actor, action);

    const base = { actionId, actionKey: action.actionKey, ...who(actor) };
    const now = this.#now();
    if ((await store.grants.approvalsRequired(action.actionKey)) === 1) {
      const moved = await store.db.transaction(async (tx) => {
        const ok = await store.pending.requestApproval(tx, actionId, now, now + this.#options.confirmTimeoutMs);
        if (ok) await store.log.appendIn(tx, { event: 'confirmed', ...base, detail: 'waiting for a second person to approve' });
        return ok;
      });
      if (!moved) return this.#lostRace(actionId);
      return { kind: 'awaiting-approval', action: await this.#load(actionId), endpoint };
    }
    return this.#claim(actionId, endpoint, { event: 'confirmed', ...base }, (tx) => store.pending.claimForExecution(tx, actionId, now, this.#instanceId));
  }

  /** A second person's Approve on a four-eyes action. */
  async approve(actor: Actor, actionId: string): Promise<ClaimedAction> {
    const { store } = this.#options;
    const action = await this.#load(actionId);
    await this.#assertState(action, 'awaiting_approval');
    if (actor.id === action.requesterId) {
      return this.#refuse(actor, action, 'self-approval', 'You asked for this action, so you cannot approve it: a different person who holds the action must.');
    }
    const { endpoint, options } = this.#parseStored(action);
    await this.#reauthorize(actor, action, endpoint, options, 'approver');
    await this.#reauthorize({ ...actor, id: action.requesterId, tag: action.requesterTag }, action, endpoint, options, 'requester-at-approval');
    await this.#assertSameTarget(actor, action);
    const now = this.#now();
    return this.#claim(actionId, endpoint, { event: 'approved', actionId, actionKey: action.actionKey, ...who(actor) }, (tx) =>
      store.pending.claimApproved(tx, actionId, { id: actor.id, tag: actor.tag }, now, this.#instanceId),
    );
  }

  /** Cancel by the requester, before anything was sent. */
  async cancel(actor: Actor, actionId: string): Promise<PendingAction> {
    const action = await this.#load(actionId);
    if (actor.id !== action.requesterId) {
      return this.#refuse(actor, action, 'cancel by someone else', `Only ${action.requesterTag}, who asked for this action, can confirm or cancel it.`);
    }
    return this.#close(actor, action, 'cancelled');
  }

  /** Reject by a holder of the action (the requester withdrawing counts as a cancel). */
  async reject(actor: Actor, actionId: string): Promise<PendingAction> {
    const action = await this.#load(actionId);
    await this.#assertState(action, 'awaiting_approval');
    if (actor.id === action.requesterId) return this.#close(actor, action, 'cancelled');
    const { endpoint } = this.#parseStored(action);
    const decision = await this.#options.authorizer.check(actor.id, endpoint.actionKey);
    if (!decision.allowed) return this.#refuse(actor, action, `reject: ${decision.reason}`, `Only someone who holds \`${endpoint.actionKey}\` can reject this request.`);
    return this.#close(actor, action, 'rejected');
  }

  /** Marks every action past its window as expired (and logs it); returns them. */
  async expireDue(): Promise<PendingAction[]> {
    const { store } = this.#options;
    const now = this.#now();
    const expired = await store.db.transaction(async (tx) => {
      const expired = await store.pending.expireDue(tx, now);
      for (const action of expired) {
        await store.log.appendIn(tx, {
          event: 'expired',
          actionId: action.id,
          actionKey: action.actionKey,
          userId: action.requesterId,
          userTag: action.requesterTag,
          guildId: action.guildId,
          channelId: action.channelId,
          detail: action.confirmedAt === null ? 'not confirmed in time' : 'not approved in time',
        });
      }
      return expired;
    });
    if (expired.length > 0) this.#options.onExpired?.(expired);
    return expired;
  }

  /**
   * Actions claimed by a process that stopped before finishing them. With a
   * "sent" row they may have executed: UNKNOWN, for a person to check. Run at
   * start-up and then periodically: an action claimed by another process that is
   * still running is left alone until it is older than `staleAfterMs`.
   */
  async recoverInterrupted(): Promise<Array<{ action: PendingAction; outcome: 'unknown' | 'not-sent' }>> {
    const { store } = this.#options;
    const recovered: Array<{ action: PendingAction; outcome: 'unknown' | 'not-sent' }> = [];
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
        await store.pending.finish(tx, action.id, kind === 'unknown' ? { outcomeKind: 'unknown' } : 'failed', this.#now());
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
    return this.#options.store.processes.beat(this.#instanceId, this.#now(), gateway);
  }

  /** A clean stop, after the drain: this process holds no claim any more. */
  retire(): Promise<void> {
    return this.#options.store.processes.end(this.#instanceId);
  }

  async #claim(
    actionId: string,
    endpoint: EndpointDeclaration,
    entry: LogEntry,
    claim: (tx: Queries) => Promise<boolean>,
  ): Promise<ClaimedAction> {
    const { store } = this.#options;
    const claimed = await store.db.transaction(async (tx) => {
      const ok = await claim(tx);
      if (ok) await store.log.appendIn(tx, entry);
      return ok;
    });
    if (!claimed) return this.#lostRace(actionId);
    const action = await this.#load(actionId);
    let ran = false;
    return {
      kind: 'claimed',
      action,
      endpoint,
      run: () => {
        if (ran) throw new Error(`action ${actionId} was already run`);
        ran = true;
        return this.#execute(action, entry);
      },
    };
  }

  /**
   * Sends the claimed request. The "sent" row is committed before the bytes
   * leave, in a transaction that checks this process still holds the claim.
   */
  async #execute(action: PendingAction, clicked: LogEntry): Promise<BinanceOutcome> {
    const { store, binance, log } = this.#options;
    const request = storedRequest.parse(JSON.parse(action.requestJson));
    const base = {
      actionId: action.id,
      actionKey: action.actionKey,
      userId: clicked.userId,
      userTag: clicked.userTag,
      guildId: action.guildId,
      channelId: action.channelId,
    };
    let sent: RequestRecord | undefined;
    let lostClaim = false;
    let outcome: BinanceOutcome;
    try {
      outcome = await binance.execute(request, {
        beforeSend: async (record: RequestRecord) => {
          await store.db.transaction(async (tx) => {
            if (!(await store.pending.stillClaimedBy(tx, action.id, this.#instanceId))) {
              lostClaim = true;
              throw new Error('the claim was lost before sending');
            }
            await store.log.appendIn(tx, { event: 'sent', ...base, request: record });
          });
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
      } else if (lostClaim) {
        throw new OperatorError('closed', 'Another bot process closed this action before it was sent; nothing was sent.');
      } else {
        log.error('could not record the send; the request was not sent', { actionId: action.id, error });
        await store.db
          .transaction(async (tx) => {
            await store.pending.finish(tx, action.id, 'failed', this.#now());
            await store.log.appendIn(tx, { event: 'outcome', ...base, outcomeKind: 'not-sent', detail: 'the log could not be written, so nothing was sent' });
          })
          .catch(() => undefined);
        throw new OperatorError('unavailable', 'Nothing was sent: the action log could not be written, and the bot sends nothing it cannot record.');
      }
    }
    try {
      await store.db.transaction(async (tx) => {
        const finished = await store.pending.finish(tx, action.id, { outcomeKind: outcome.kind }, this.#now());
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

  async #close(actor: Actor, action: PendingAction, state: 'cancelled' | 'rejected'): Promise<PendingAction> {
    const { store } = this.#options;
    await this.#assertState(action, action.state === 'awaiting_approval' ? 'awaiting_approval' : 'pending');
    const closed = await store.db.transaction(async (tx) => {
      const ok = await store.pending.close(tx, action.id, state, this.#now(), state === 'rejected' ? actor : undefined);
      if (ok) await store.log.appendIn(tx, { event: state, actionId: action.id, actionKey: action.actionKey, ...who(actor) });
      return ok;
    });
    if (!closed) return this.#lostRace(action.id);
    return this.#load(action.id);
  }

  async #load(actionId: string): Promise<PendingAction> {
    const action = await this.#options.store.pending.get(actionId);
    if (action === undefined) throw new OperatorError('not-found', 'This confirmation is unknown to the bot; run the command again.');
    return action;
  }

  /** Throws the operator's explanation when the action is not in `expected` state (marking it expired if due). */
  async #assertState(action: PendingAction, expected: 'pending' | 'awaiting_approval'): Promise<void> {
    if (action.state === expected && action.expiresAt > this.#now()) return;
    if (action.state === expected || action.state === 'expired') {
      await this.expireDue();
      throw new OperatorError('expired', 'This confirmation has expired; nothing was sent. Run the command again if it is still wanted.');
    }
    throw new OperatorError('closed', closedMessage(action));
  }

  /** A claim that changed no row: someone else got there first, or time ran out. */
  async #lostRace(actionId: string): Promise<never> {
    const action = await this.#load(actionId);
    if ((action.state === 'pending' || action.state === 'awaiting_approval') && action.expiresAt <= this.#now()) {
      await this.expireDue();
      throw new OperatorError('expired', 'This confirmation has expired; nothing was sent. Run the command again if it is still wanted.');
    }
    throw new OperatorError('closed', closedMessage(action));
  }

  #parseStored(action: PendingAction): { endpoint: EndpointDeclaration; options: z.output<z.ZodObject> } {
    const endpoint = this.#endpointsByKey.get(action.actionKey);
    if (endpoint === undefined) throw new OperatorError('closed', `The bot no longer knows the action \`${action.actionKey}\`; nothing was sent.`);
    return { endpoint, options: endpoint.options.parse(JSON.parse(action.optionsJson)) };
  }

  /**
   * Whether an "executing" action's owner is gone: its claim is older than any
   * call could take (whoever holds it, this process included: an outcome that
   * could not be recorded), or the owner stopped beating.
   */
  async #abandoned(action: PendingAction): Promise<boolean> {
    const now = this.#now();
    if (now - (action.claimedAt ?? action.confirmedAt ?? action.createdAt) > (this.#options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS)) return true;
    if (action.claimedBy === null || action.claimedBy === this.#instanceId) return false;
    const beat = await this.#options.store.processes.lastBeat(action.claimedBy);
    return beat === undefined || now - beat > HEARTBEAT_STALE_MS;
  }

  #target(family: BinanceRequest['family']): Target {
    const { binance } = this.#options;
    return { baseUrl: binance.baseUrl(family), dryRun: binance.dryRun };
  }

  /** The click must send where the confirmation said: same host, same dry-run setting. */
  async #assertSameTarget(actor: Actor, action: PendingAction): Promise<void> {
    const { family, target: shown } = storedTarget.parse(JSON.parse(action.requestJson));
    const now = this.#target(family);
    if (shown !== undefined && shown.baseUrl === now.baseUrl && shown.dryRun === now.dryRun) return;
    const describe = (target: Target | undefined) =>
      target === undefined ? 'an older version of the bot' : `${target.baseUrl}${target.dryRun ? ' in DRY-RUN' : ''}`;
    const detail = `the bot's target changed since the confirmation: shown for ${describe(shown)}, now ${describe(now)}`;
    const { store } = this.#options;
    await store.db.transaction(async (tx) => {
      const closed = await store.pending.close(tx, action.id, 'cancelled', this.#now());
      if (closed) await store.log.appendIn(tx, { event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(actor), detail });
    });
    throw new OperatorError('revoked', `Closed: ${detail}. Nothing was sent; run the command again.`);
  }

  /** A click the bot turns down (someone else's button, a self-approval): logged, then explained. */
  async #refuse(actor: Actor, action: PendingAction, detail: string, message: string): Promise<never> {
    await this.#options.store.log.append({ event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(actor), detail });
    throw new OperatorError('refused', message);
  }

  /** Grants are checked again at every click: a revocation since the request wins. */
  async #reauthorize(
    actor: Actor,
    action: PendingAction,
    endpoint: EndpointDeclaration,
    options: z.output<z.ZodObject>,
    role: 'requester' | 'requester-at-approval' | 'approver',
  ): Promise<void> {
    const { store, authorizer } = this.#options;
    const decision = await authorizer.check(actor.id, endpoint.actionKey, endpoint.amount?.(options));
    if (decision.allowed) return;
    // At approval the answer shows in the channel, to the approver: say what happened, not the requester's caps.
    const reason =
      role === 'requester-at-approval'
        ? `${action.requesterTag}, who asked for it, no longer holds \`${endpoint.actionKey}\` for this request (their grant or cap changed)`
        : decision.reason;
    if (role !== 'approver') {
      // The requester lost the right: the request can never run, so close it.
      await store.db.transaction(async (tx) => {
        const closed = await store.pending.close(tx, action.id, 'cancelled', this.#now());
        if (closed) await store.log.appendIn(tx, { event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(actor), detail: `at the click: ${decision.reason}` });
      });
      throw new OperatorError('revoked', `${role === 'requester' ? 'Refused' : 'Closed'}: ${reason}. The request is closed and nothing was sent.`);
    }
    await store.log.append({ event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(actor), detail: `approval: ${decision.reason}` });
    throw new OperatorError('refused', `Refused: ${decision.reason}.`);
  }
}

function who(actor: Actor): Pick<LogEntry, 'userId' | 'userTag' | 'guildId' | 'channelId'> {
  return { userId: actor.id, userTag: actor.tag, guildId: actor.guildId, channelId: actor.channelId };
}

/** The request as it will be logged and shown before timestamp and signature are added. */
export function describeRequest(request: BinanceRequest): { family: string; method: string; path: string; params: string } {
  return { family: request.family, method: request.method, path: request.path, params: encodeParams(request.params) };
}

function outcomeLogFields(outcome: BinanceOutcome): Partial<LogEntry> {
  switch (outcome.kind) {
    case 'success':
      return { outcomeKind: 'success', httpStatus: outcome.status, response: outcome.body, latencyMs: outcome.latencyMs };
    case 'rejected':
      return {
        outcomeKind: 'rejected',
        httpStatus: outcome.status,
        binanceCode: outcome.code,
        response: { code: outcome.code, msg: outcome.message },
        latencyMs: outcome.latencyMs,
        detail: outcome.explanation,
      };
    case 'rate-limited':
      return { outcomeKind: 'rate-limited', httpStatus: outcome.status, detail: `${outcome.explanation} Retry after ${new Date(outcome.retryAt).toISOString()}.` };
    case 'unknown':
      return { outcomeKind: 'unknown', httpStatus: outcome.status, latencyMs: outcome.latencyMs, detail: outcome.explanation };
    case 'not-sent':
      return { outcomeKind: 'not-sent', detail: outcome.explanation };
    case 'dry-run':
      return { outcomeKind: 'dry-run', dryRun: true, request: outcome.request, detail: 'BINANCE_DRY_RUN: built and signed, not sent' };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

function closedMessage(action: PendingAction): string {
  switch (action.state) {
    case 'executing':
      return 'This action is already being sent; watch this message for the result.';
    case 'completed':
      return `This action was already sent (result: ${action.outcomeKind ?? 'see /audit'}); it runs only once.`;
    case 'cancelled':
      return 'This action was cancelled; nothing was sent.';
    case 'rejected':
      return `This action was rejected${action.approverTag === null ? '' : ` by ${action.approverTag}`}; nothing was sent.`;
    case 'expired':
      return 'This confirmation has expired; nothing was sent. Run the command again if it is still wanted.';
    case 'failed':
      return 'This action could not be sent; see /audit.';
    case 'pending':
      return 'This action still waits for its requester to confirm it.';
    case 'awaiting_approval':
      return 'This action is waiting for a second person to approve it.';
    default: {
      const unreachable: never = action.state;
      return unreachable;
    }
  }
}

/** One line per invalid option: which one, what is wrong, what is allowed, what was sent. */
function describeIssues(error: z.ZodError, raw: Readonly<Record<string, unknown>>): string {
  const lines = new Map<string, string>();
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'options');
    if (lines.has(field)) continue;
    const given = raw[field];
    const message =
      given === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')
        ? 'is required'
        : issue.code === 'invalid_value' && 'values' in issue
          ? `must be one of ${issue.values.map(String).join(', ')}`
          : issue.message;
    const shown = given === undefined ? '' : ` (you sent \`${String(given).slice(0, 60).replace(/`/g, "'")}\`)`;
    lines.set(field, `• \`${field}\` ${message}${shown}`);
  }
  return [...lines.values()].join('\n');
}
