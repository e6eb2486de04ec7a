// How an endpoint declaration names the state its call changes, so the bot can
// show it before the click, read it back after a success, and settle an
// UNKNOWN outcome without ever sending anything again. A declaration says:
// - which signed GETs show the state (and, for the confirmation only, which
//   further GETs tell whether Binance would refuse, e.g. open orders);
// - the zod schema that keeps the fields it uses from their answers (the
//   state; stored as it was shown and parsed again later, so no transforms);
// - how the state reads in plain words, and what the request would change;
// - whether Binance will surely refuse (what its error code would say), so
//   the confirmation offers no Confirm;
// - for calls whose state alone cannot tell (repayments), the records that
//   show what ran around the time it was sent (repay history);
// - how a read-back after a success, and the reads after an UNKNOWN outcome,
//   are judged. The pipeline (live-state.ts, reconciler.ts) runs them.
// Every text a declaration returns is a Said (its words under `endpoints` in
// the catalogs): shown in the reader's language, logged in English.
import { z } from 'zod';
import type { Family, ReadRequest, Weight } from '../binance/index.ts';
import type { Messages, Said } from '../i18n/index.ts';

export type ReadSpec = ReadRequest;

/** What the state says about the request, before the click. */
export type Preflight =
  | { readonly kind: 'clear' }
  /** Binance will surely refuse (or there is nothing to do): no Confirm is offered. */
  | { readonly kind: 'will-refuse'; readonly reason: Said; /** The code Binance would answer, when its docs name one. */ readonly code: number | undefined };

/** What a read-back after a success shows. */
export type AfterCheck =
  | { readonly kind: 'confirmed'; readonly detail: Said }
  /** Binance accepted it and it is still settling (a repayment PENDING). */
  | { readonly kind: 'pending'; readonly detail: Said }
  /** The state contradicts the success Binance answered: flagged to the requester and logged. */
  | { readonly kind: 'contradicted'; readonly detail: Said };

/** What the reads say about a call whose outcome was UNKNOWN. */
export type Reconciliation = 'executed' | 'not-executed' | 'unknown';

export interface ReconcileDecision {
  readonly verdict: Reconciliation;
  /** What was read and why it decides (or cannot), in an operator's words. */
  readonly evidence: Said;
}

/** The window of Binance time in which a call's records can be (its request's timestamp, Binance's receive window, and the next identical send). */
export interface RecordWindow {
  /** Binance time the request carried (its `timestamp`). */
  readonly sentAt: number;
  readonly from: number;
  readonly to: number;
}

/** What the read-back of a sent call is judged on. */
export interface ReadBackContext<State, Records> {
  /** The state the confirmation showed (undefined when it could not be read). */
  readonly before: State | undefined;
  /** The state read now. */
  readonly after: State;
  /** The records read now (for declarations that have them). */
  readonly records: Records | undefined;
  readonly window: RecordWindow;
  /** How long ago the request was sent. */
  readonly elapsedMs: number;
  /**
   * When an identical request (same action, account and parameters) was sent
   * after this one, by Binance time: its effect then shows in the same state,
   * so the state alone can no longer tell which of them acted.
   */
  readonly laterSendAt: number | undefined;
}

// Callbacks are methods, so a declaration with its own state type fits in a list of ReadBack (method parameters are bivariant).
export interface ReadBack<Options extends z.ZodObject = z.ZodObject, State = unknown, Records = unknown> {
  /** Binance's doc pages of the reads, so a reviewer can check them in one click. */
  readonly docUrls: readonly string[];
  /** The GETs that show the state the call changes, by name (the names are the keys of the state schema). */
  reads(options: z.output<Options>): Readonly<Record<string, ReadSpec>>;
  /** GETs read before the click only, to tell whether Binance would refuse. */
  preflightReads?(options: z.output<Options>): Readonly<Record<string, ReadSpec>>;
  /** The answers, by read name, keeping only the fields used. */
  readonly state: z.ZodType<State>;
  /** The state in one short line ("Auto-repay is ON"): both sides of "before → after". */
  show(state: State, options: z.output<Options>): Said;
  /** The confirmation's lines: the state and what the request would change. */
  preview(state: State, options: z.output<Options>): readonly Said[];
  preflight(state: State, options: z.output<Options>): Preflight;
  /** Records of what ran (repay history): needed where the state alone cannot tell. */
  readonly records?: {
    reads(options: z.output<Options>, window: RecordWindow): Readonly<Record<string, ReadSpec>>;
    readonly schema: z.ZodType<Records>;
  };
  /** After a success: whether the state read back shows it. */
  verify(context: ReadBackContext<State, Records>, options: z.output<Options>): AfterCheck;
  /** After an UNKNOWN outcome: whether it executed. Decides from reads only; never sends. */
  reconcile(context: ReadBackContext<State, Records>, options: z.output<Options>): ReconcileDecision;
}

/** Declares a read-back with its state and records types inferred from its schemas. */
export function defineReadBack<Options extends z.ZodObject, State, Records = undefined>(
  _options: Options,
  readBack: ReadBack<Options, State, Records>,
): ReadBack<Options, State, Records> {
  return readBack;
}

/** A signed GET of `family`, with Binance's documented weight. */
export function signedGet(family: Family, path: string, params: ReadonlyArray<readonly [string, string]>, weight: Weight): ReadSpec {
  return { family, path, params, weight };
}

/** An amount as Binance writes it: decimal text (a sign allowed), never a number. */
export const decimalText = z.string().regex(/^-?\d+(?:\.\d+)?$/, 'a decimal number as text');
/** An id Binance may send as a bare number above 2^53 (kept as text by the lossless parser). */
export const idValue = z.union([z.string().regex(/^\d+$/), z.number().int()]);

export const CLEAR: Preflight = { kind: 'clear' };
export const willRefuse = (reason: Said, code?: number): Preflight => ({ kind: 'will-refuse', reason, code });
export const confirmed = (detail: Said): AfterCheck => ({ kind: 'confirmed', detail });
export const pending = (detail: Said): AfterCheck => ({ kind: 'pending', detail });
export const contradicted = (detail: Said): AfterCheck => ({ kind: 'contradicted', detail });
export const executed = (evidence: Said): ReconcileDecision => ({ verdict: 'executed', evidence });
export const notExecuted = (evidence: Said): ReconcileDecision => ({ verdict: 'not-executed', evidence });
export const stillUnknown = (evidence: Said): ReconcileDecision => ({ verdict: 'unknown', evidence });

/** "12 s", "3 min": how long after the send a read was made. */
export function sinceSend(elapsedMs: number): Said {
  return elapsedMs < 120_000 ? (t) => t.readBack.seconds({ n: Math.round(elapsedMs / 1000) }) : (t) => t.readBack.minutes({ n: Math.round(elapsedMs / 60_000) });
}

/** "read 12 s after the send": when the reads an evidence rests on were made. */
export function readAfter(elapsedMs: number): Said {
  const since = sinceSend(elapsedMs);
  return (t) => t.readBack.readAfter({ since: since(t) });
}

/** A Said of Saids: `parts` put into the same language, then joined by `join`. */
export function joined(parts: readonly Said[], join: Said): Said {
  return (t) => parts.map((part) => part(t)).join(join(t));
}

/**
 * For calls whose effect is a state (a switch, a margin type): the state shows
 * the requested value, so the effect is in place; whether THIS call put it
 * there can be told only when it showed otherwise before and no identical
 * request was sent after it.
 */
export function stateDecision(
  context: ReadBackContext<unknown, unknown>,
  inPlace: boolean,
  wasInPlace: boolean | undefined,
  words: { readonly now: Said; readonly before: Said | undefined },
  settleMs: number,
): ReconcileDecision {
  const read = readAfter(context.elapsedMs);
  const { now, before } = words;
  const said = (t: Messages) => ({ now: now(t), read: read(t) });
  if (inPlace) {
    if (context.laterSendAt !== undefined) return stillUnknown((t) => t.readBack.state.laterSend(said(t)));
    if (wasInPlace === false) {
      return executed((t) => (before === undefined ? t.readBack.state.changedOtherwise(said(t)) : t.readBack.state.changed({ ...said(t), before: before(t) })));
    }
    return executed((t) => (wasInPlace === true ? t.readBack.state.alreadyBefore(said(t)) : t.readBack.state.unreadBefore(said(t))));
  }
  if (context.elapsedMs < settleMs) return stillUnknown((t) => t.readBack.state.notYet(said(t)));
  return notExecuted((t) => t.readBack.state.notApplied(said(t)));
}
