// The reconciler: every UNKNOWN outcome (a timeout, a dropped connection, a
// 5xx, an "execution status unknown" code, a bot that stopped after `sent`)
// is read back from Binance on a schedule kept in SQLite: 5 s, 30 s, 2 min and
// 10 min after it was sent, then hourly for a day. Each attempt reads the
// state and records its endpoint's read-back names (fresh, within the reads'
// share of the budget) and lets the declaration decide: executed, not
// executed, or still unknown. It NEVER sends the request again: it holds no
// way to, only StateReader's GETs, made with the key of the account the
// request was sent on (its `sent` row names it).
// A decision that closes the outcome is a `reconciled` row with its evidence
// (resolution.ts), shown to the requester (onDecision). While it stays
// unknown, the first attempt's view is logged too, later ones only noted on
// the schedule (shown by /status), and after a day it is logged as given up
// for a person to close with /audit resolve. The schedule lives in the
// database, so a restart (or another process) carries on where it was.
import { parseJsonText } from '../json-text.ts';
import type { Logger } from '../log.ts';
import type { PendingAction, ScheduledCheck, Store } from '../store/index.ts';
import { boundRecord } from './binding.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { sentRequestOf, storedAction, type LiveState } from './live-state.ts';
import { executed, notExecuted, stillUnknown, type ReconcileDecision } from './read-back.ts';
import { recordDecision } from './resolution.ts';
import { encodeParams } from '../binance/index.ts';
import { inEnglish, type Said } from '../i18n/index.ts';

const HOUR_MS = 3_600_000;
/** When to read back, after the send: 5 s, 30 s, 2 min, 10 min, then every hour for a day. */
export const RECONCILE_STEPS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000, ...Array.from({ length: 24 }, (_, hour) => (hour + 1) * HOUR_MS)];
const TICK_MS = 1_000;
const BATCH = 20;

/** A decision shown to the requester: one that closes the outcome, or the last word after a day. */
export interface ReconcileNotice {
  readonly action: PendingAction;
  readonly endpoint: EndpointDeclaration | undefined;
  readonly decision: ReconcileDecision;
}

export interface ReconcilerOptions {
  readonly store: Store;
  readonly endpoints: readonly EndpointDeclaration[];
  readonly live: LiveState;
  readonly log: Logger;
  /** This process, as named on the attempts it claims. */
  readonly instanceId: string;
  readonly onDecision?: (notice: ReconcileNotice) => void;
  readonly now?: () => number;
  readonly steps?: readonly number[];
}

type Judged = ReconcileDecision & { readonly params: unknown };

export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #now: () => number;
  readonly #steps: readonly number[];
  readonly #endpoints: ReadonlyMap<string, EndpointDeclaration>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#steps = options.steps ?? RECONCILE_STEPS_MS;
    this.#endpoints = new Map(options.endpoints.map((endpoint) => [endpoint.actionKey, endpoint]));
  }

  start(intervalMs = TICK_MS): void {
    this.#timer = setInterval(() => void this.tick(), intervalMs);
    this.#timer.unref();
    void this.tick();
  }

  /** Stops scheduling; waits for an attempt in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Schedules new UNKNOWN outcomes and runs the attempts that are due. One at a time. */
  tick(): Promise<void> {
    this.#running ??= this.#work()
      .catch((error: unknown) => this.#options.log.error('reconciliation failed', { error }))
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  async #work(): Promise<void> {
    const { store, log } = this.#options;
    const adopted = await store.reconcile.adoptUnknowns(this.#now(), this.#steps[0] ?? 0);
    for (const actionId of adopted) log.info('an UNKNOWN outcome will be reconciled by reading Binance back', { actionId });
    for (const check of await store.reconcile.due(this.#now(), BATCH)) {
      await this.#attempt(check).catch((error: unknown) => log.error('a reconciliation attempt failed', { actionId: check.actionId, error }));
    }
  }

  async #attempt(check: ScheduledCheck): Promise<void> {
    const { store, log } = this.#options;
    const now = this.#now();
    const next = this.#steps.map((step) => check.sentAt + step).find((at) => at > now) ?? null;
    if (check.nextAt === null || !(await store.reconcile.claim(check.actionId, check.nextAt, next, this.#options.instanceId, now))) return;
    const action = await store.pending.get(check.actionId);
    if (action === undefined) {
      log.warn('an UNKNOWN outcome has no stored action; it cannot be reconciled', { actionId: check.actionId });
      return;
    }
    const endpoint = this.#endpoints.get(action.actionKey);
    let judged = await this.#judge(action, endpoint);
    const final = judged.verdict !== 'unknown' || next === null;
    if (judged.verdict === 'unknown' && next === null) {
      const { evidence } = judged;
      judged = { ...judged, evidence: (t) => t.readBack.reconcile.gaveUp({ evidence: evidence(t) }) };
    }
    // The schedule keeps the English words, like the log: /status quotes them as stored.
    await store.reconcile.note(action.id, judged.verdict, inEnglish(judged.evidence));
    // Still unknown: the first attempt's view is logged, later ones only noted (a row an hour says nothing new).
    if (!final && (await store.reconcile.stillUnknownRows(action.id)) > 0) return;
    const written = await recordDecision(store, action, { verdict: judged.verdict, evidence: judged.evidence, params: judged.params, by: undefined, final }, this.#now());
    log.info('reconciled an UNKNOWN outcome', { actionId: action.id, verdict: judged.verdict, final, written });
    if (written && final) this.#options.onDecision?.({ action, endpoint, decision: judged });
  }

  /** What the reads say about `action` now. */
  async #judge(action: PendingAction, endpoint: EndpointDeclaration | undefined): Promise<Judged> {
    const { store, live } = this.#options;
    // A late answer from Binance (after another process recorded UNKNOWN) is the best evidence there is.
    const latest = await store.reconcile.latestOutcomeIn(store.db, action.id);
    if (latest !== undefined && latest.kind !== 'unknown') {
      const kind = latest.kind ?? '?';
      const status = latest.httpStatus;
      const answer: Said = (t) => (status === null ? t.readBack.reconcile.lateAnswer({ kind }) : t.readBack.reconcile.lateAnswerStatus({ kind, status }));
      return { ...(latest.kind === 'success' ? executed(answer) : notExecuted(answer)), params: { lateAnswer: latest } };
    }
    const { actionKey } = action;
    if (endpoint?.readBack === undefined) return { ...stillUnknown((t) => t.readBack.reconcile.noReadBack({ actionKey })), params: null };
    const stored = storedAction(action, endpoint);
    if (stored === undefined) return { ...stillUnknown((t) => t.readBack.why.storedOptions), params: null };
    const sentRow = await store.reconcile.sentOf(action.id);
    const record = parseJsonText(sentRow?.requestJson) as { params?: unknown; account?: unknown } | undefined;
    // Read with the key that signed it: the `sent` row names its account (rows written before accounts: the action's).
    const account = typeof record?.account === 'string' ? record.account : action.account;
    const sent = sentRow === undefined || typeof record?.params !== 'string' ? undefined : sentRequestOf(record.params, sentRow.at, account);
    if (sentRow === undefined || sent === undefined) return { ...stillUnknown((t) => t.readBack.reconcile.noSentRequest), params: null };
    const observed = await live.observe(stored, sent, await this.#laterSend(action, account, sentRow.seq));
    if (observed.kind === 'unavailable') {
      const { why } = observed;
      return { ...stillUnknown((t) => t.readBack.reconcile.unread({ why: why(t) })), params: null };
    }
    return { ...endpoint.readBack.reconcile(observed.context, stored.options), params: observed.evidence };
  }

  /** When (Binance time) an identical request on the same account was sent after this one, if one was. */
  async #laterSend(action: PendingAction, account: string, sentSeq: number): Promise<number | undefined> {
    const stored = parseJsonText(action.requestJson) as { params?: unknown } | undefined;
    if (!Array.isArray(stored?.params)) return undefined;
    const params = encodeParams(stored.params as Array<[string, string]>);
    for (const later of await this.#options.store.reconcile.sentAfter(action.actionKey, sentSeq)) {
      const requested = boundRecord.safeParse(parseJsonText(later.requestedJson));
      if (!requested.success || requested.data.account !== account || requested.data.params !== params) continue;
      const sent = parseJsonText(later.sentJson) as { params?: unknown } | undefined;
      const timestamp = typeof sent?.params === 'string' ? sentRequestOf(sent.params, 0, account)?.timestamp : undefined;
      if (timestamp !== undefined) return timestamp;
    }
    return undefined;
  }
}
