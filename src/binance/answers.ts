// Binance's answers read as typed outcomes: which codes mean UNKNOWN (errors.ts
// classifies them per family), which connection errors prove that nothing was
// sent, and how an error is described without leaking a signature. Each
// outcome carries why it is what it is (`why`, as data) and that in English
// (`explanation`, for the log); explanations.ts says it in other languages.
import { inEnglish } from '../i18n/index.ts';
import { classifyBinanceCode } from './errors.ts';
import { explainRejection, explainWhy } from './explanations.ts';
import type { HostBan } from './host-limits.ts';
import { parseJsonLossless, type JsonValue } from './json.ts';
import type { BinanceOutcome, OutcomeWhy, RequestRecord } from './outcome.ts';

/** `why` and its English explanation, as an outcome carries them. */
export function explained(why: OutcomeWhy, record: RequestRecord): { why: OutcomeWhy; explanation: string } {
  return { why, explanation: inEnglish(explainWhy(why, record.family)) };
}

/** An HTTP answer, body read. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Errors raised before a connection exists: the request cannot have reached Binance. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED', 'ABORT_ERR']);

/** Binance's answer as a typed outcome. `ban` is the wait a 429/418 answer imposed. */
export function interpretAnswer(record: RequestRecord, response: HttpAnswer, latencyMs: number, ban: HostBan | undefined): BinanceOutcome {
  const { statusCode: status, body } = response;
  const { family } = record;
  const parsed = safeParse(body);

  if (status >= 200 && status < 300) {
    if (parsed === undefined) {
      return { kind: 'unknown', request: record, reason: 'unreadable-answer', status, ...explained({ kind: 'unreadable-answer', status }, record), latencyMs };
    }
    return { kind: 'success', request: record, status, body: parsed, latencyMs };
  }

  if ((status === 429 || status === 418) && ban !== undefined) {
    const banned = status === 418;
    return {
      kind: 'rate-limited',
      request: record,
      sent: true,
      status,
      banned,
      retryAt: ban.until,
      ...explained({ kind: banned ? 'banned' : 'too-many-requests' }, record),
    };
  }

  const code = isRecord(parsed) && typeof parsed.code === 'number' ? parsed.code : undefined;
  const message = isRecord(parsed) && typeof parsed.msg === 'string' ? parsed.msg : body.slice(0, 200);

  // A 5xx, or a code Binance documents as "may still execute" (-1007, -21006, -3007, ...),
  // whatever the HTTP status: never a plain rejection.
  const inFlight = code !== undefined && classifyBinanceCode(family, code) === 'in-flight';
  if (inFlight) {
    // Each in-flight code says in its own words that the call may still execute: -1007 is
    // Binance's back end timing out, the others (-1000, -1006, -3000, -21006, 51007, …) errors
    // Binance documents as "execution status unknown".
    return {
      kind: 'unknown',
      request: record,
      reason: code === -1007 ? 'binance-timeout' : 'in-flight',
      status,
      ...explained({ kind: 'in-flight-code', code, message, status }, record),
      latencyMs,
    };
  }
  if (status >= 500) {
    return {
      kind: 'unknown',
      request: record,
      reason: 'server-error',
      status,
      ...explained({ kind: 'server-error', status, code, message }, record),
      latencyMs,
    };
  }

  if (status >= 400) {
    return { kind: 'rejected', request: record, status, code, message, explanation: inEnglish(explainRejection(family, code, status)), latencyMs };
  }

  return {
    kind: 'unknown',
    request: record,
    reason: 'server-error',
    status,
    ...explained({ kind: 'unexpected-status', status }, record),
    latencyMs,
  };
}

/** A call that got no answer: not sent when no connection was made, else UNKNOWN. */
export function interpretFailure(record: RequestRecord, error: unknown, latencyMs: number, timeoutMs: number): BinanceOutcome {
  const code = errorCode(error);
  if (isNotConnected(error)) {
    return { kind: 'not-sent', request: record, ...explained({ kind: 'not-connected', code }, record) };
  }
  const timedOut = (code !== undefined && TIMEOUT_CODES.has(code)) || (error instanceof Error && error.name === 'TimeoutError');
  return {
    kind: 'unknown',
    request: record,
    reason: timedOut ? 'timeout' : 'connection-lost',
    status: undefined,
    ...explained(timedOut ? { kind: 'timeout', timeoutMs } : { kind: 'connection-lost', code }, record),
    latencyMs,
  };
}

export function isNotConnected(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NOT_CONNECTED_CODES.has(code);
}

export function safeParse(text: string): JsonValue | undefined {
  try {
    return parseJsonLossless(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return undefined;
}

/** A short description of an error, with any signature scrubbed out. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = errorCode(error);
  const message = error.message.slice(0, 200).replace(/signature=[^&\s]*/gi, 'signature=[redacted]');
  return code === undefined ? message : `${code}: ${message}`;
}
