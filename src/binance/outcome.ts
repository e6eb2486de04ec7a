// The typed result of a Binance call. Every call ends in exactly one of these;
// callers switch over `kind` exhaustively, so a new kind cannot be forgotten.
import type { Family, Weight } from './families.ts';
import type { JsonValue } from './json.ts';
import type { HeldCounter } from './rate-limit.ts';

export type HttpMethod = 'GET' | 'POST';

/** A call to make, before timestamp and signature are added. */
export interface BinanceRequest {
  readonly family: Family;
  readonly method: HttpMethod;
  readonly path: string;
  /** Parameters in the order they are sent; values are exact text (amounts never pass through a float). */
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly weight: Weight;
  readonly security: 'signed' | 'public';
}

/** What was (or would have been) sent, safe to log and show: never the signature. */
export interface RequestRecord {
  readonly family: Family;
  readonly method: HttpMethod;
  readonly path: string;
  /** The signed parameter string, `a=1&…&recvWindow=…&timestamp=…`, without the signature. */
  readonly params: string;
}

/**
 * Why an outcome that is not a plain success or rejection came out as it did,
 * as data: explanations.ts says it in the reader's language (the English text
 * is the outcome's `explanation`, which the log keeps). A rejection needs none:
 * its code (or HTTP status) and family say it.
 */
export type OutcomeWhy =
  | { readonly kind: 'unreadable-answer'; readonly status: number }
  | { readonly kind: 'in-flight-code'; readonly code: number; readonly message: string; readonly status: number }
  | { readonly kind: 'server-error'; readonly status: number; readonly code: number | undefined; readonly message: string }
  | { readonly kind: 'unexpected-status'; readonly status: number }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'connection-lost'; readonly code: string | undefined }
  | { readonly kind: 'not-connected'; readonly code: string | undefined }
  /** The bot failed after the request left. */
  | { readonly kind: 'bot-error' }
  /** Binance answered 418 (banned) or 429. */
  | { readonly kind: 'banned' }
  | { readonly kind: 'too-many-requests' }
  /** The bot held the call back: a counter is full, or a 429/418 wait is running. */
  | { readonly kind: 'held'; readonly hold: 'limit' | 'retry-after' | 'banned'; readonly counter?: HeldCounter | undefined };

export type BinanceOutcome =
  /** Binance executed the call (2xx) and answered this body. */
  | {
      readonly kind: 'success';
      readonly request: RequestRecord;
      readonly status: number;
      readonly body: JsonValue;
      readonly latencyMs: number;
    }
  /** Binance refused the call (4xx); nothing was executed. */
  | {
      readonly kind: 'rejected';
      readonly request: RequestRecord;
      readonly status: number;
      readonly code: number | undefined;
      readonly message: string;
      readonly explanation: string;
      readonly latencyMs: number;
      /** After -1021: the clock re-sync that followed (the call itself is not re-sent). */
      readonly clockResync?: { readonly ok: true; readonly offsetMs: number } | { readonly ok: false; readonly reason: string };
    }
  /** Refused for rate limits: before sending (`sent: false`) or by Binance with 429/418. */
  | {
      readonly kind: 'rate-limited';
      readonly request: RequestRecord;
      readonly sent: boolean;
      readonly status: 429 | 418 | undefined;
      readonly banned: boolean;
      /** Local epoch ms from which the call could be tried again. */
      readonly retryAt: number;
      readonly explanation: string;
      readonly why: OutcomeWhy;
    }
  /**
   * Sent, but whether Binance executed it is UNKNOWN: a timeout, a connection
   * lost after sending, a 5xx, -1007 (`binance-timeout`) or another code Binance
   * documents as "execution status unknown" (`in-flight`: -1000, -1006, -3000,
   * -21006, 51007, …). Such a call may have succeeded, so it is never re-sent
   * automatically.
   */
  | {
      readonly kind: 'unknown';
      readonly request: RequestRecord;
      readonly reason: 'timeout' | 'connection-lost' | 'server-error' | 'binance-timeout' | 'in-flight' | 'unreadable-answer' | 'bot-error';
      readonly status: number | undefined;
      readonly explanation: string;
      readonly why: OutcomeWhy;
      readonly latencyMs: number;
    }
  /** The connection could not be opened, so nothing reached Binance. */
  | {
      readonly kind: 'not-sent';
      readonly request: RequestRecord;
      readonly explanation: string;
      readonly why: OutcomeWhy;
    }
  /** BINANCE_DRY_RUN: the request was built and signed, and deliberately not sent. */
  | {
      readonly kind: 'dry-run';
      readonly request: RequestRecord;
    };

export type OutcomeKind = BinanceOutcome['kind'];
