// Runs the read-backs that endpoint declarations name (read-back.ts):
// - before the click, the confirmation's live state and the pre-flight
//   verdict; a request Binance would surely refuse is closed there and then,
//   and no Confirm is offered;
// - after a success, the state read back, judged and logged (`verified`);
// - after an UNKNOWN outcome, what the reconciler decides on.
// Reads go through the account's StateReader (a share of each budget, bans
// honoured, a short cache), with that account's own key, and only where its
// key check says the key can read the endpoint's state (an account of another
// kind, or a key without reading, is "unavailable" and says why). A preview or a read-back that takes too long gives
// up and says why; the confirmation never waits on Binance for long, and a
// failed read never blocks a click (Binance then decides, as it always did).
import type { ReadResult, StateReader } from '../binance/index.ts';
import { inEnglish, type Said } from '../i18n/index.ts';
import { parseJsonText } from '../json-text.ts';
import type { Logger } from '../log.ts';
import type { LogEntry, PendingAction, Store } from '../store/index.ts';
import { onRequest } from './actor.ts';
import type { StoredAction } from './click-rules.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { assertTrail } from './integrity.ts';
import type { AfterCheck, ReadBack, ReadBackContext, ReadSpec, RecordWindow } from './read-back.ts';

/** How long a confirmation waits for the state before it shows "unavailable". */
export const PREVIEW_DEADLINE_MS = 2_500;
/** How long the outcome of a success waits for its read-back. */
export const VERIFY_DEADLINE_MS = 3_000;
/** Records of a call lie within Binance's receive window of its timestamp; this much more is allowed for Binance's own processing. */
const RECORD_SLACK_MS = 15_000;
/** A request's timestamp may run ahead of Binance's clock by up to a second. */
const CLOCK_SLACK_MS = 2_000;

export type Preview =
  /** The endpoint declares no read-back. */
  | { readonly kind: 'none' }
  | { readonly kind: 'unavailable'; readonly why: Said }
  | { readonly kind: 'shown'; readonly lines: readonly Said[] }
  /** Binance would surely refuse: the request was closed (unless a click got there first) and no Confirm is offered. */
  | { readonly kind: 'refused'; readonly lines: readonly Said[]; readonly reason: Said; readonly code: number | undefined; readonly closed: boolean };

export type Verification =
  | { readonly kind: 'none' }
  | { readonly kind: 'unavailable'; readonly why: Said }
  | { readonly kind: 'checked'; readonly check: AfterCheck; readonly before: Said | undefined; readonly after: Said };

/** When and how a request left: its `sent` time here, the timestamp and window it carried to Binance, and whose key signed it. */
export interface SentRequest {
  /** The account whose key signed it: its state is read with the same key. */
  readonly account: string;
  /** Local epoch ms. */
  readonly at: number;
  /** Binance time (the request's `timestamp`). */
  readonly timestamp: number;
  readonly recvWindowMs: number;
}

/** What the reads after a send saw, ready for the declaration to judge. */
export type Observation =
  | { readonly kind: 'observed'; readonly context: ReadBackContext<unknown, unknown>; readonly evidence: Evidence }
  | { readonly kind: 'unavailable'; readonly why: Said };

/** What is logged of an observation: each GET read, and the fields kept from the answers. */
export interface Evidence {
  readonly reads: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly records: unknown;
}

export interface LiveStateOptions {
  readonly store: Store;
  /** The reads of an account, through its own client and key (undefined: the bot has no client for it). */
  readonly readerFor: (account: string) => StateReader | undefined;
  /** Why `account`'s key cannot read `endpoint`'s state, by its key check (Accounts.cannotRead); undefined: it can, or nothing is known. */
  readonly cannotRead?: (endpoint: EndpointDeclaration, account: string) => Said | undefined;
  readonly log: Logger;
  readonly now?: () => number;
  readonly previewDeadlineMs?: number;
  readonly verifyDeadlineMs?: number;
}

type Bodies = { readonly kind: 'read'; readonly bodies: Record<string, unknown>; readonly reads: readonly string[] } | { readonly kind: 'unavailable'; readonly why: Said };

export class LiveState {
  readonly #options: LiveStateOptions;
  readonly #now: () => number;

  constructor(options: LiveStateOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The confirmation's live state and pre-flight verdict; a request Binance would refuse is closed here. */
  async preview(action: PendingAction, endpoint: EndpointDeclaration): Promise<Preview> {
    const readBack = endpoint.readBack;
    if (readBack === undefined) return { kind: 'none' };
    const target = storedAction(action, endpoint);
    if (target === undefined) return { kind: 'unavailable', why: STORED_OPTIONS };
    const refused = this.#options.cannotRead?.(endpoint, action.account);
    if (refused !== undefined) return { kind: 'unavailable', why: refused };
    const specs = { ...readBack.reads(target.options), ...(readBack.preflightReads?.(target.options) ?? {}) };
    const read = await this.#within(this.#readAll(target.action.account, specs, false), this.#options.previewDeadlineMs ?? PREVIEW_DEADLINE_MS);
    if (read.kind === 'unavailable') return read;
    const state = readBack.state.safeParse(read.bodies);
    if (!state.success) return { kind: 'unavailable', why: unreadable(state.error.issues) };
    await this.#options.store.previews.save(target.action.id, JSON.stringify(state.data), this.#now());
    const lines = readBack.preview(state.data, target.options);
    const verdict = readBack.preflight(state.data, target.options);
    if (verdict.kind === 'clear') return { kind: 'shown', lines };
    const closed = await this.#closeRefused(target.action, verdict.reason, state.data);
    return { kind: 'refused', lines, reason: verdict.reason, code: verdict.code, closed };
  }

  /** After a success: reads the state back (fresh), judges it, logs what it saw as a `verified` row. */
  async verify(action: PendingAction, endpoint: EndpointDeclaration, sent: SentRequest): Promise<Verification> {
    const readBack = endpoint.readBack;
    if (readBack === undefined) return { kind: 'none' };
    const target = storedAction(action, endpoint);
    if (target === undefined) return { kind: 'unavailable', why: STORED_OPTIONS };
    const observed = await this.#within(this.observe(target, sent, undefined), this.#options.verifyDeadlineMs ?? VERIFY_DEADLINE_MS);
    const base = rowBase(target.action);
    if (observed.kind === 'unavailable') {
      const { why } = observed;
      await this.#append({ ...base, outcomeKind: 'unavailable', detail: inEnglish((t) => t.readBack.log.notReadBack({ why: why(t) })) });
      return observed;
    }
    const { context, evidence } = observed;
    const check = readBack.verify(context, target.options);
    await this.#append({ ...base, outcomeKind: check.kind, params: evidence, detail: inEnglish(check.detail) });
    return {
      kind: 'checked',
      check,
      before: context.before === undefined ? undefined : readBack.show(context.before, target.options),
      after: readBack.show(context.after, target.options),
    };
  }

  /**
   * Reads, fresh, the state and the records of a sent request: what the
   * read-back after a success and the reconciler judge. `laterSendAt` (Binance
   * time) is when an identical request was sent after it, if one was. The
   * reads use the key of the account the request was sent on (`sent.account`).
   */
  async observe(target: StoredAction, sent: SentRequest, laterSendAt: number | undefined): Promise<Observation> {
    const readBack: ReadBack | undefined = target.endpoint.readBack;
    const { actionKey } = target.action;
    if (readBack === undefined) return { kind: 'unavailable', why: (t) => t.readBack.why.noReadBack({ actionKey }) };
    const refused = this.#options.cannotRead?.(target.endpoint, sent.account);
    if (refused !== undefined) return { kind: 'unavailable', why: refused };
    const window = recordWindow(sent, laterSendAt);
    const stateSpecs = readBack.reads(target.options);
    const recordSpecs = readBack.records?.reads(target.options, window) ?? {};
    const read = await this.#readAll(sent.account, { ...stateSpecs, ...recordSpecs }, true);
    if (read.kind === 'unavailable') return read;
    const pick = (names: Readonly<Record<string, ReadSpec>>) => Object.fromEntries(Object.keys(names).map((name) => [name, read.bodies[name]]));
    const after = readBack.state.safeParse(pick(stateSpecs));
    if (!after.success) return { kind: 'unavailable', why: unreadable(after.error.issues) };
    const records = readBack.records === undefined ? undefined : readBack.records.schema.safeParse(pick(recordSpecs));
    if (records !== undefined && !records.success) return { kind: 'unavailable', why: unreadable(records.error.issues) };
    const before = await this.#before(target.action.id, readBack);
    return {
      kind: 'observed',
      context: { before, after: after.data, records: records?.data, window, elapsedMs: Math.max(0, this.#now() - sent.at), laterSendAt },
      evidence: { reads: read.reads, before: before ?? null, after: after.data, records: records?.data ?? null },
    };
  }

  /** The account's state is about to change (a request is being sent): cached reads must not be shown again. */
  forget(account: string): void {
    this.#options.readerFor(account)?.forget();
  }

  /** The state the confirmation showed, parsed again by the declaration's schema (undefined when none was read). */
  async #before(actionId: string, readBack: ReadBack): Promise<unknown> {
    const stored = await this.#options.store.previews.get(actionId);
    if (stored === undefined) return undefined;
    const parsed = readBack.state.safeParse(parseJsonText(stored.stateJson));
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * The reads one after another, in the order declared: each one's share check
   * then sees the weight the one before reported (other clients' spending
   * included). Parallel reads on stale figures could meet a 429 themselves,
   * and Binance's wait after a 429 stops money-moving calls too.
   */
  async #readAll(account: string, specs: Readonly<Record<string, ReadSpec>>, fresh: boolean): Promise<Bodies> {
    const reader = this.#options.readerFor(account);
    if (reader === undefined) return { kind: 'unavailable', why: (t) => t.readBack.why.noClient({ account }) };
    const bodies: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const result: ReadResult = await reader.read(spec, { fresh });
      if (result.kind === 'unavailable') return result;
      bodies[name] = result.body;
    }
    return { kind: 'read', bodies, reads: Object.values(specs).map(describeRead) };
  }

  /** `work`, or "unavailable" once `ms` have passed (the reads go on and fill the cache). */
  async #within<T extends { readonly kind: string }>(work: Promise<T>, ms: number): Promise<T | { readonly kind: 'unavailable'; readonly why: Said }> {
    let timer: NodeJS.Timeout | undefined;
    const seconds = (ms / 1000).toFixed(1);
    const late = new Promise<{ readonly kind: 'unavailable'; readonly why: Said }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'unavailable', why: (t) => t.readBack.why.late({ seconds }) }), ms);
      timer.unref();
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes a request Binance would refuse, before any click: logged as refused with the state that decided it. */
  async #closeRefused(action: PendingAction, reason: Said, state: unknown): Promise<boolean> {
    const { store } = this.#options;
    // Stored in English; explain.ts says the closed reason again in a reader's language (STORED_REASONS).
    const closedReason = inEnglish((t) => t.readBack.log.closedReason({ reason: reason(t) }));
    return store.db.transaction(async (tx) => {
      // Closing a request is a decision: only on a database its log explains (trail.ts).
      await assertTrail(store, tx);
      const closed = await store.pending.close(tx, action.id, 'cancelled', this.#now(), undefined, closedReason);
      if (closed) {
        await store.log.appendIn(tx, {
          event: 'refused',
          ...onRequest(action),
          params: { state },
          detail: inEnglish((t) => t.readBack.log.refusedBefore({ reason: reason(t) })),
        });
      }
      return closed;
    });
  }

  async #append(entry: LogEntry): Promise<void> {
    const { store } = this.#options;
    // The trail looks first, as before every logged write (trail.ts); what Binance showed is logged even when it finds
    // something: it decides nothing, and a finding is reported and logged on its own.
    await store.db
      .transaction(async (tx) => {
        await store.trail.check(tx);
        await store.log.appendIn(tx, entry);
      })
      .catch((error: unknown) => this.#options.log.error('could not log a read-back', { actionId: entry.actionId, error }));
  }
}

/** An action with its endpoint and its stored options, parsed again by the endpoint's schema. */
export function storedAction(action: PendingAction, endpoint: EndpointDeclaration): StoredAction | undefined {
  const options = endpoint.options.safeParse(parseJsonText(action.optionsJson));
  return options.success ? { action, endpoint, options: options.data } : undefined;
}

/** The `sent` request's timestamp and receive window, from its parameter string; undefined when it carries none. */
export function sentRequestOf(params: string, at: number, account: string): SentRequest | undefined {
  const query = new URLSearchParams(params);
  const timestamp = Number(query.get('timestamp'));
  const recvWindowMs = Number(query.get('recvWindow') ?? '5000');
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0 || !Number.isFinite(recvWindowMs)) return undefined;
  return { account, at, timestamp, recvWindowMs };
}

/** Where a sent request's records can be: from just before its timestamp to the end of Binance's window for it (and before a later identical send). */
function recordWindow(sent: SentRequest, laterSendAt: number | undefined): RecordWindow {
  const end = sent.timestamp + sent.recvWindowMs + RECORD_SLACK_MS;
  return { sentAt: sent.timestamp, from: sent.timestamp - CLOCK_SLACK_MS, to: laterSendAt === undefined ? end : Math.max(sent.timestamp, Math.min(end, laterSendAt - 1)) };
}

function rowBase(action: PendingAction): LogEntry {
  return { event: 'verified', actionId: action.id, actionKey: action.actionKey, guildId: action.guildId, channelId: action.channelId };
}

function describeRead(spec: ReadSpec): string {
  const params = spec.params.map(([name, value]) => `${name}=${value}`).join('&');
  return `GET ${spec.path}${params === '' ? '' : `?${params}`}`;
}

/** Why a stored action's state cannot be read or judged: its options no longer parse. */
const STORED_OPTIONS: Said = (t) => t.readBack.why.storedOptions;

function unreadable(issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>): Said {
  const first = issues[0];
  // zod's own words about the answer stay as zod wrote them.
  const issue = first === undefined ? undefined : `${first.path.map(String).join('.')}: ${first.message}`;
  return (t) => t.readBack.why.shape({ issue: issue ?? t.readBack.why.unexpectedShape });
}
