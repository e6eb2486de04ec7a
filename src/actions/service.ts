// The one pipeline every endpoint goes through: validate → authorize →
// confirm → claim → send → log. It knows nothing of Discord: the Discord layer
// turns interactions into these calls and the results into messages, so no
// command can skip a step. The rules it applies live in their own modules:
// the request step (request.ts: the options, the account and its key check,
// the grant, the stored action), which accounts run what (accounts.ts,
// eligibility.ts), who may (authorization.ts), how much (caps.ts), whether
// anything may move at all (freeze.ts), what a click must pass before its
// claim (click-rules.ts), whether the stored action is still what was
// requested and logged (binding.ts, tamper.ts), how a claimed request is sent
// and recorded (send.ts), and what happens to work a stopped process left
// (recovery.ts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { BinanceClient, BinanceOutcome, BinanceRequest } from '../binance/index.ts';
import type { Said } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { Secret } from '../secret.ts';
import type { GatewayReport, PendingAction, Queries, Store } from '../store/index.ts';
import { Accounts, MAIN_ACCOUNT } from './accounts.ts';
import { who, type Actor } from './actor.ts';
import { describeRight, type Authorizer } from './authorization.ts';
import { bindClick, buildRequest, recordDigest, type BindingContext } from './binding.ts';
import { answerEarly, claimAction, type Claim } from './claim.ts';
import type { ClickDigest } from './click-digest.ts';
import { ClickRules, isRefusal, type Refusal, type StoredAction } from './click-rules.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { OperatorError } from './errors.ts';
import { closedMessage, viewTexts } from './explain.ts';
import { expireDueActions } from './expiry.ts';
import { HEARTBEAT_MS, HEARTBEAT_STALE_MS, Recovery, type RecoveredAction } from './recovery.ts';
import { recordRefusal } from './refusals.ts';
import { accountView, requestAction, type ConfirmationView } from './request.ts';
import { SecretScreen } from './secret-input.ts';
import { sendClaimed, type Sender } from './send.ts';
import { earlierRequest, sendAnywayRefusal, sentAnywayDetail, type EarlierRequest } from './send-anyway.ts';

export type { Actor };
export { HEARTBEAT_MS, HEARTBEAT_STALE_MS };

/** The account of the unprefixed Binance key. */
export const DEFAULT_ACCOUNT = MAIN_ACCOUNT;
export type { ConfirmationView };

/** A claimed action: the caller acknowledges the click, then calls run() once. */
export interface ClaimedAction {
  readonly kind: 'claimed';
  readonly action: PendingAction;
  readonly endpoint: EndpointDeclaration;
  run(): Promise<BinanceOutcome>;
}

export type ConfirmResult =
  | ClaimedAction
  /** `digest`: what the Approve and Reject buttons carry (the request, with the approval window). */
  | { readonly kind: 'awaiting-approval'; readonly action: PendingAction; readonly endpoint: EndpointDeclaration; readonly digest: string };

/** The accounts actions may run on: several (the composition root's), or one client as account `account` (default main). */
export type ActionAccounts = { readonly accounts: Accounts } | { readonly binance: BinanceClient; readonly account?: string };

export type ActionServiceOptions = ActionAccounts & {
  readonly endpoints: readonly EndpointDeclaration[];
  readonly store: Store;
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
  /** The configured secrets (every account's among them): an option that holds one is refused and stored nowhere (secret-input.ts). */
  readonly secrets?: readonly (Secret | undefined)[];
};

export class ActionService {
  readonly #endpointsByKey: ReadonlyMap<string, EndpointDeclaration>;
  readonly #options: ActionServiceOptions;
  readonly #now: () => number;
  readonly #instanceId: string;
  readonly #accounts: Accounts;
  readonly #recovery: Recovery;
  readonly #sender: Sender;
  readonly #rules: ClickRules;
  readonly #secrets: SecretScreen;

  constructor(options: ActionServiceOptions) {
    this.#secrets = new SecretScreen(options.secrets ?? []);
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#accounts = 'accounts' in options ? options.accounts : Accounts.single(options.binance, options.account);
    this.#endpointsByKey = new Map(options.endpoints.map((endpoint) => [endpoint.actionKey, endpoint]));
    this.#recovery = new Recovery(options.store, this.#instanceId, this.#now, options.staleAfterMs);
    const binding: BindingContext = { store: options.store, accounts: this.#accounts, endpoints: this.#endpointsByKey, now: this.#now };
    this.#sender = { store: options.store, accounts: this.#accounts, binding, log: options.log, instanceId: this.#instanceId, now: this.#now };
    this.#rules = new ClickRules(options.store, options.authorizer, this.#now);
  }

  /** This process, as named on its claims, its heartbeat and the audit poster's lease. */
  get instanceId(): string {
    return this.#instanceId;
  }

  get endpoints(): readonly EndpointDeclaration[] {
    return this.#options.endpoints;
  }

  /** The accounts actions run on, with their key checks. */
  get accounts(): Accounts {
    return this.#accounts;
  }

  endpoint(group: string, subcommand: string): EndpointDeclaration | undefined {
    return this.#options.endpoints.find((endpoint) => endpoint.group.name === group && endpoint.subcommand === subcommand);
  }

  /** A slash command: screen, validate, pick the account, authorize, store the pending action and say what would be sent (request.ts). */
  request(actor: Actor, endpoint: EndpointDeclaration, raw: Readonly<Record<string, unknown>>): Promise<ConfirmationView> {
    const { store, authorizer, confirmTimeoutMs } = this.#options;
    return requestAction({ store, authorizer, accounts: this.#accounts, confirmTimeoutMs, now: this.#now, secrets: this.#secrets }, actor, endpoint, raw);
  }

  /** The earlier identical request a new one repeats (send-anyway.ts), for its confirmation. */
  earlierRequest(action: PendingAction, endpoint: EndpointDeclaration): Promise<EarlierRequest | undefined> {
    return earlierRequest(this.#options.store, this.#options.store.db, action, endpoint, this.#now());
  }

  find(actionId: string): Promise<PendingAction | undefined> {
    return this.#options.store.pending.get(actionId);
  }

  /** What a stored action will send (rebuilt from its declaration), for messages shown after the request (the approval request). */
  describe(action: PendingAction): Pick<ConfirmationView, 'endpoint' | 'options' | 'summary' | 'notes' | 'request' | 'account'> {
    const { endpoint, options } = this.#parseStored(action);
    return {
      endpoint,
      ...viewTexts(endpoint, options),
      request: buildRequest(endpoint, options),
      account: accountView(this.#accounts, { name: action.account }, this.#accounts.eligibility(endpoint, action.account)),
    };
  }

  setApprovalMessage(actionId: string, channelId: string, messageId: string): Promise<void> {
    return this.#options.store.pending.setApprovalMessage(actionId, channelId, messageId);
  }

  /**
   * The requester's Confirm: claims the action, or hands it to a second person
   * when the policy (the stricter of the one it was requested under and the
   * current one) requires it. Decided inside the claim's transaction.
   */
  async confirm(actor: Actor, actionId: string, digest?: ClickDigest, sendAnyway = false): Promise<ConfirmResult> {
    const { store } = this.#options;
    const action = await this.#load(actionId);
    if (actor.id !== action.requesterId) {
      return this.#refuse(actor, action, 'confirm by someone else', (t) => t.pipeline.onlyRequester({ tag: action.requesterTag }));
    }
    await this.#assertState(action, 'pending');
    const bound = await bindClick(this.#sender.binding, this.#rules, actor, action, 'confirm', digest);
    const stored = this.#parseStored(action);
    const decide = async (q: Queries): Promise<Refusal | { current: 0 | 1; earlier: EarlierRequest | undefined }> => {
      const right = await this.#rules.authorize(q, actor, stored, 'requester');
      if (isRefusal(right)) return right;
      const guarded = await this.#rules.guard(q, actor, stored);
      if (guarded !== undefined) return guarded;
      // No blind re-send: an identical request still UNKNOWN (or just executed) needs "Send anyway" (send-anyway.ts).
      const earlier = await earlierRequest(store, q, action, stored.endpoint, this.#now());
      if (earlier !== undefined && !sendAnyway) return sendAnywayRefusal(actor, earlier);
      return { current: await store.grants.approvalsRequired(action.actionKey, action.account, q), earlier };
    };
    await answerEarly(store, this.#rules, action, await decide(store.db));

    const base = { actionId, actionKey: action.actionKey, ...who(actor) };
    const now = this.#now();
    const approvalEnds = now + this.#options.confirmTimeoutMs;
    const result = await this.#claim(actor, action, async (tx): Promise<Refusal | Claim<'claimed' | 'awaiting-approval'>> => {
      const decided = await decide(tx);
      if (isRefusal(decided)) return decided;
      // A policy lowered since the request cannot release it: the stricter rule holds.
      const anyway = sentAnywayDetail(decided.earlier);
      if (Math.max(action.approvalsRequired, decided.current) === 1) {
        const waiting =
          action.approvalsRequired === 1 && decided.current === 0
            ? 'waiting for a second person to approve (required when it was requested; the policy was lowered since)'
            : 'waiting for a second person to approve';
        const detail = anyway === undefined ? waiting : `${waiting}; ${anyway}`;
        // The approval window is logged with the Confirm: the expiry an Approve is bound to.
        return {
          claim: () => store.pending.requestApproval(tx, actionId, now, approvalEnds),
          entry: { event: 'confirmed', ...base, detail, params: { expiresAt: approvalEnds } },
          result: 'awaiting-approval',
        };
      }
      return { claim: () => store.pending.claimForExecution(tx, actionId, now, this.#instanceId), entry: { event: 'confirmed', ...base, detail: anyway }, result: 'claimed' };
    });
    if (result === 'awaiting-approval') {
      return { kind: 'awaiting-approval', action: await this.#load(actionId), endpoint: stored.endpoint, digest: recordDigest(stored.endpoint.actionKey, action.requesterId, bound.record, approvalEnds) };
    }
    return this.#claimed(action, stored.endpoint, bound);
  }

  /**
   * A second person's Approve on a four-eyes action: they need a current
   * requester or approver grant (within their own per-request cap), and the
   * requester still needs theirs. Decided inside the claim's transaction.
   */
  async approve(actor: Actor, actionId: string, digest?: ClickDigest): Promise<ClaimedAction> {
    const { store } = this.#options;
    const action = await this.#load(actionId);
    await this.#assertState(action, 'awaiting_approval');
    if (actor.id === action.requesterId) {
      return this.#refuse(actor, action, 'self-approval', (t) => t.pipeline.selfApproval);
    }
    const bound = await bindClick(this.#sender.binding, this.#rules, actor, action, 'approve', digest);
    const stored = this.#parseStored(action);
    const requester: Actor = { ...actor, id: action.requesterId, tag: action.requesterTag };
    const decide = async (q: Queries) => {
      const right = await this.#rules.authorize(q, actor, stored, 'approver');
      if (isRefusal(right)) return right;
      const asked = await this.#rules.authorize(q, requester, stored, 'requester-at-approval');
      if (isRefusal(asked)) return asked;
      return (await this.#rules.guard(q, actor, stored)) ?? right;
    };
    await answerEarly(store, this.#rules, action, await decide(store.db));
    const now = this.#now();
    await this.#claim(actor, action, async (tx): Promise<Refusal | Claim<undefined>> => {
      const right = await decide(tx);
      if (isRefusal(right)) return right;
      return {
        claim: () => store.pending.claimApproved(tx, actionId, { id: actor.id, tag: actor.tag }, now, this.#instanceId),
        entry: { event: 'approved', actionId, actionKey: action.actionKey, ...who(actor), detail: describeRight(right) },
        result: undefined,
      };
    });
    return this.#claimed(action, stored.endpoint, bound);
  }

  /** Cancel by the requester, before anything was sent. */
  async cancel(actor: Actor, actionId: string): Promise<PendingAction> {
    const action = await this.#load(actionId);
    if (actor.id !== action.requesterId) {
      return this.#refuse(actor, action, 'cancel by someone else', (t) => t.pipeline.onlyRequester({ tag: action.requesterTag }));
    }
    return this.#close(actor, action, 'cancelled');
  }

  /** Reject by a current requester or approver of the action (the requester withdrawing counts as a cancel). */
  async reject(actor: Actor, actionId: string): Promise<PendingAction> {
    const action = await this.#load(actionId);
    await this.#assertState(action, 'awaiting_approval');
    if (actor.id === action.requesterId) return this.#close(actor, action, 'cancelled');
    const decision = await this.#options.authorizer.check(actor.id, action.actionKey, { account: action.account, use: 'approve' });
    if (!decision.allowed) {
      return this.#refuse(actor, action, `reject: ${decision.reason}`, (t) => t.pipeline.onlyHolderRejects({ actionKey: action.actionKey }));
    }
    return this.#close(actor, action, 'rejected', describeRight(decision));
  }

  /** Marks every action past its window as expired (and logs it); returns them. */
  async expireDue(): Promise<PendingAction[]> {
    const expired = await expireDueActions(this.#options.store, this.#now());
    if (expired.length > 0) this.#options.onExpired?.(expired);
    return expired;
  }

  /** Closes what a stopped process left "executing": UNKNOWN when it was sent, else not sent. */
  recoverInterrupted(): Promise<RecoveredAction[]> {
    return this.#recovery.recoverInterrupted();
  }

  /** Tells the other processes sharing the database (and `npm run health`) that this one is running, and how its gateway is. */
  heartbeat(gateway?: GatewayReport): Promise<void> {
    return this.#recovery.heartbeat(gateway);
  }

  /** A clean stop, after the drain: this process holds no claim any more. */
  retire(): Promise<void> {
    return this.#recovery.retire();
  }

  /** The claim's transaction (claim.ts); a claim that changed no row lost a race. */
  async #claim<R>(actor: Actor, action: PendingAction, decide: (tx: Queries) => Promise<Refusal | Claim<R>>): Promise<R> {
    const claimed = await claimAction(this.#options.store, this.#rules, this.#now, actor, action, decide);
    return claimed.kind === 'lost' ? this.#lostRace(action.id) : claimed.result;
  }

  /** The claimed action, to be run once by the caller after acknowledging the click; it sends the request rebuilt from the declaration, with the logged account's key. */
  async #claimed(action: PendingAction, endpoint: EndpointDeclaration, bound: { readonly request: BinanceRequest; readonly record: { readonly account: string } }): Promise<ClaimedAction> {
    const claimed = await this.#load(action.id);
    let ran = false;
    return {
      kind: 'claimed',
      action: claimed,
      endpoint,
      run: () => {
        if (ran) throw new Error(`action ${action.id} was already run`);
        ran = true;
        return sendClaimed(this.#sender, claimed, bound.request, bound.record.account);
      },
    };
  }

  async #close(actor: Actor, action: PendingAction, state: 'cancelled' | 'rejected', detail?: string): Promise<PendingAction> {
    const { store } = this.#options;
    await this.#assertState(action, action.state === 'awaiting_approval' ? 'awaiting_approval' : 'pending');
    const closed = await store.db.transaction(async (tx) => {
      const ok = await store.pending.close(tx, action.id, state, this.#now(), state === 'rejected' ? actor : undefined);
      if (ok) await store.log.appendIn(tx, { event: state, actionId: action.id, actionKey: action.actionKey, ...who(actor), detail });
      return ok;
    });
    if (!closed) return this.#lostRace(action.id);
    return this.#load(action.id);
  }

  async #load(actionId: string): Promise<PendingAction> {
    const action = await this.#options.store.pending.get(actionId);
    if (action === undefined) throw new OperatorError('not-found', (t) => t.pipeline.unknownAction);
    return action;
  }

  /** Throws the operator's explanation when the action is not in `expected` state (marking it expired if due). */
  async #assertState(action: PendingAction, expected: 'pending' | 'awaiting_approval'): Promise<void> {
    if (action.state === expected && action.expiresAt > this.#now()) return;
    if (action.state === expected || action.state === 'expired') {
      await this.expireDue();
      throw new OperatorError('expired', (t) => t.pipeline.expired);
    }
    throw new OperatorError('closed', closedMessage(action));
  }

  /** A claim that changed no row: someone else got there first, or time ran out. */
  async #lostRace(actionId: string): Promise<never> {
    const action = await this.#load(actionId);
    if ((action.state === 'pending' || action.state === 'awaiting_approval') && action.expiresAt <= this.#now()) {
      await this.expireDue();
      throw new OperatorError('expired', (t) => t.pipeline.expired);
    }
    throw new OperatorError('closed', closedMessage(action));
  }

  #parseStored(action: PendingAction): StoredAction {
    const endpoint = this.#endpointsByKey.get(action.actionKey);
    if (endpoint === undefined) throw new OperatorError('closed', (t) => t.pipeline.unknownActionKey({ actionKey: action.actionKey }));
    return { action, endpoint, options: endpoint.options.parse(JSON.parse(action.optionsJson)) };
  }

  /** A click the bot turns down (someone else's button, a self-approval): logged, then explained. */
  async #refuse(actor: Actor, action: PendingAction, detail: string, message: Said): Promise<never> {
    await recordRefusal(this.#options.store, this.#options.authorizer, { event: 'refused', actionId: action.id, actionKey: action.actionKey, ...who(actor), userId: actor.id, detail });
    throw new OperatorError('refused', message);
  }
}
