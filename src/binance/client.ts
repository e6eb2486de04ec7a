// The signed Binance client: one keep-alive pool per host, timestamps from the
// corrected clock, the rate-limit budget checked before sending, and every
// answer turned into a typed outcome. It never re-sends a call: a POST that may
// have executed is reported as UNKNOWN for a person to check.
import { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import type { Logger } from '../log.ts';
import { ServerClock } from './clock.ts';
import { classifyBinanceCode, explainBinanceCode } from './errors.ts';
import { FAMILIES, FAMILY_SPECS, type Family } from './families.ts';
import { parseJsonLossless, type JsonValue } from './json.ts';
import type { BinanceOutcome, BinanceRequest, HttpMethod, RequestRecord } from './outcome.ts';
import { RateLimitBudget, type CounterUsage } from './rate-limit.ts';
import { encodeParams, type Signer } from './signing.ts';

export interface BinanceClientOptions {
  readonly apiKey: string;
  readonly signer: Signer;
  readonly baseUrls: Readonly<Record<Family, string>>;
  readonly recvWindowMs: number;
  readonly timeoutMs: number;
  readonly dryRun: boolean;
  readonly log: Logger;
  /**
   * Limits that differ from Binance's documented defaults, per family and
   * usage header (e.g. an account whose exchangeInfo `rateLimits` are higher).
   */
  readonly limits?: Partial<Record<Family, Readonly<Record<string, number>>>>;
  /** The local clock; tests move it. */
  readonly localNow?: () => number;
}

export interface ExecuteHooks {
  /**
   * Called with the exact request after every check has passed, just before
   * the bytes leave. If it throws, nothing is sent (the caller's "sent" log
   * row must exist before the request does).
   */
  readonly beforeSend?: (request: RequestRecord) => Promise<void>;
}

export interface FamilyHealth {
  readonly family: Family;
  readonly reachable: boolean;
  readonly roundTripMs: number | undefined;
  readonly clockOffsetMs: number;
  readonly clockSyncedAt: number | undefined;
  readonly usage: readonly CounterUsage[];
  readonly blocked: { readonly until: number; readonly banned: boolean } | undefined;
  readonly error?: string;
}

const CLOCK_SYNC_INTERVAL_MS = 5 * 60_000;
const DEFAULT_RETRY_AFTER_S = 60;
const HEADERS_PUBLIC: Readonly<Record<string, string>> = { accept: 'application/json' };
/** Binance's IP bans last from 2 minutes to 3 days. */
const MAX_RETRY_AFTER_S = 3 * 86_400;
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

export class BinanceClient {
  readonly #options: BinanceClientOptions;
  readonly #localNow: () => number;
  readonly #pools = new Map<string, Pool>();
  readonly #bases = new Map<Family, { origin: string; prefix: string }>();
  readonly #deadlines: Deadlines;
  /** Built once: every signed call sends the same headers. */
  readonly #headers: { readonly signed: Readonly<Record<string, string>>; readonly signedForm: Readonly<Record<string, string>> };
  readonly #clocks: Record<Family, ServerClock>;
  readonly #budgets: Record<Family, RateLimitBudget>;
  readonly #inFlight = new Set<Promise<unknown>>();
  #syncTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: BinanceClientOptions) {
    this.#options = options;
    this.#localNow = options.localNow ?? Date.now;
    this.#deadlines = new Deadlines(options.timeoutMs);
    const signed = { ...HEADERS_PUBLIC, 'x-mbx-apikey': options.apiKey };
    this.#headers = { signed, signedForm: { ...signed, 'content-type': 'application/x-www-form-urlencoded' } };
    this.#clocks = { sapi: new ServerClock(this.#localNow), papi: new ServerClock(this.#localNow), fapi: new ServerClock(this.#localNow) };
    const budget = (family: Family) =>
      new RateLimitBudget(FAMILY_SPECS[family].counters.map((counter) => ({ ...counter, limit: options.limits?.[family]?.[counter.header] ?? counter.limit })));
    this.#budgets = { sapi: budget('sapi'), papi: budget('papi'), fapi: budget('fapi') };
  }

  get dryRun(): boolean {
    return this.#options.dryRun;
  }

  /** Where a family's calls go (BINANCE_SAPI_URL and its siblings). */
  baseUrl(family: Family): string {
    return this.#options.baseUrls[family];
  }

  /** Binance's time for a family, by the latest clock sync. */
  serverNow(family: Family): number {
    return this.#clocks[family].now();
  }

  /** Measures a family's clock offset against its time endpoint. */
  async syncClock(family: Family): Promise<number> {
    const source = FAMILY_SPECS[family].time;
    const sentAt = this.#localNow();
    const { statusCode, body } = await this.#send(source.family, 'GET', source.path, undefined);
    const receivedAt = this.#localNow();
    const parsed = statusCode === 200 ? safeParse(body) : undefined;
    const serverTime = isRecord(parsed) ? parsed.serverTime : undefined;
    if (typeof serverTime !== 'number') {
      throw new Error(`${source.path} answered HTTP ${statusCode} without a serverTime`);
    }
    this.#clocks[family].record({ sentAt, receivedAt, serverTime });
    this.#options.log.debug('binance clock synced', { family, offsetMs: this.#clocks[family].offsetMs });
    return this.#clocks[family].offsetMs;
  }

  /** Syncs every family now and then every few minutes; failures are logged, not fatal. */
  async startClockSync(intervalMs = CLOCK_SYNC_INTERVAL_MS): Promise<void> {
    const syncAll = () =>
      Promise.all(
        FAMILIES.map((family) =>
          this.syncClock(family).catch((error: unknown) =>
            this.#options.log.warn('binance clock sync failed', { family, error: describeError(error) }),
          ),
        ),
      );
    await syncAll();
    this.#syncTimer = setInterval(() => void syncAll(), intervalMs);
    this.#syncTimer.unref();
  }

  /** Pings a family and reports its clock and rate-limit state, for /status. */
  async health(family: Family): Promise<FamilyHealth> {
    const base = () => ({
      family,
      clockOffsetMs: this.#clocks[family].offsetMs,
      clockSyncedAt: this.#clocks[family].syncedAt,
      usage: this.#budgets[family].usage(this.#clocks[family].now()),
      blocked: this.#budgets[family].blockedUntil,
    });
    const startedAt = performance.now();
    try {
      const { statusCode } = await this.#send(family, 'GET', FAMILY_SPECS[family].pingPath, undefined);
      const roundTripMs = Math.round(performance.now() - startedAt);
      return statusCode === 200
        ? { ...base(), reachable: true, roundTripMs }
        : { ...base(), reachable: false, roundTripMs, error: `HTTP ${statusCode}` };
    } catch (error) {
      return { ...base(), reachable: false, roundTripMs: undefined, error: describeError(error) };
    }
  }

  /** Makes one call and returns its typed outcome. Never retries. */
  execute(request: BinanceRequest, hooks: ExecuteHooks = {}): Promise<BinanceOutcome> {
    const pending = this.#execute(request, hooks);
    this.#inFlight.add(pending);
    const forget = () => void this.#inFlight.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  /** Waits (bounded) for calls in flight, then closes the connection pools. */
  async close(drainMs = 15_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#syncTimer);
    if (this.#inFlight.size > 0) {
      const drained = Promise.allSettled([...this.#inFlight]);
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
    }
    await Promise.all([...this.#pools.values()].map((pool) => pool.close().catch(() => pool.destroy())));
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  async #execute(request: BinanceRequest, hooks: ExecuteHooks): Promise<BinanceOutcome> {
    const { family, weight } = request;
    const budget = this.#budgets[family];
    const clock = this.#clocks[family];

    const withTime =
      request.security === 'signed'
        ? [...request.params, ['recvWindow', String(this.#options.recvWindowMs)] as const, ['timestamp', String(clock.now())] as const]
        : request.params;
    const payload = encodeParams(withTime);
    const record: RequestRecord = { family, method: request.method, path: request.path, params: payload };

    const decision = budget.check(weight, clock.now(), this.#localNow());
    if (!decision.ok) {
      return {
        kind: 'rate-limited',
        request: record,
        sent: false,
        status: undefined,
        banned: decision.reason === 'banned',
        retryAt: decision.retryAt,
        explanation: `Not sent: ${decision.detail}.`,
      };
    }

    const signed = request.security === 'signed' ? `${payload}${payload === '' ? '' : '&'}signature=${this.#options.signer.sign(payload)}` : payload;
    if (this.#options.dryRun && request.method !== 'GET') return { kind: 'dry-run', request: record };

    if (hooks.beforeSend !== undefined) await hooks.beforeSend(record);
    budget.spend(weight, clock.now());
    const startedAt = performance.now();
    const latency = () => Math.round(performance.now() - startedAt);
    let response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: string };
    try {
      response =
        request.method === 'GET'
          ? await this.#send(family, 'GET', `${request.path}${signed === '' ? '' : `?${signed}`}`, undefined, request.security)
          : await this.#send(family, request.method, request.path, signed, request.security);
    } catch (error) {
      return this.#failure(record, error, latency());
    }
    budget.observe(response.headers, clock.now());
    const outcome = this.#interpret(record, response, latency());
    // After -1021: measure the clock again so the next attempt is right, but never re-send.
    return outcome.kind === 'rejected' && outcome.code === -1021 ? this.#withClockResync(outcome) : outcome;
  }

  async #withClockResync(outcome: Extract<BinanceOutcome, { kind: 'rejected' }>): Promise<BinanceOutcome> {
    try {
      return { ...outcome, clockResync: { ok: true, offsetMs: await this.syncClock(outcome.request.family) } };
    } catch (error) {
      return { ...outcome, clockResync: { ok: false, reason: describeError(error) } };
    }
  }

  #interpret(
    record: RequestRecord,
    response: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: string },
    latencyMs: number,
  ): BinanceOutcome {
    const { statusCode: status, headers, body } = response;
    const { family } = record;
    const parsed = safeParse(body);

    if (status >= 200 && status < 300) {
      if (parsed === undefined) {
        return {
          kind: 'unknown',
          request: record,
          reason: 'unreadable-answer',
          status,
          explanation: `Binance answered HTTP ${status} with a body that is not JSON, so the result cannot be read. Check in Binance whether the action happened before trying again.`,
          latencyMs,
        };
      }
      return { kind: 'success', request: record, status, body: parsed, latencyMs };
    }

    if (status === 429 || status === 418) {
      const asked = Number(headerValue(headers, 'retry-after') ?? DEFAULT_RETRY_AFTER_S);
      // A nonsense header (negative, huge, not a number) must not break the answer: clamp it.
      const retryAfterS = Number.isFinite(asked) && asked >= 0 ? Math.min(asked, MAX_RETRY_AFTER_S) : DEFAULT_RETRY_AFTER_S;
      const retryAt = this.#localNow() + retryAfterS * 1000;
      const banned = status === 418;
      this.#budgets[family].block(retryAt, banned);
      if (banned) {
        this.#options.log.error('BINANCE HAS BANNED THIS IP ADDRESS (HTTP 418); every call is refused until the ban ends', {
          family,
          retryAt: new Date(retryAt).toISOString(),
        });
      } else {
        this.#options.log.warn('binance rate limit hit (HTTP 429)', { family, retryAt: new Date(retryAt).toISOString() });
      }
      return {
        kind: 'rate-limited',
        request: record,
        sent: true,
        status,
        banned,
        retryAt,
        explanation: banned
          ? 'Binance has BANNED this IP address (HTTP 418) because requests continued after a 429. Nothing was executed; every call is refused until the ban ends.'
          : 'Binance refused the call: too many requests (HTTP 429). Nothing was executed; the bot sends nothing to this API until the wait Binance asked for has passed.',
      };
    }

    const code = isRecord(parsed) && typeof parsed.code === 'number' ? parsed.code : undefined;
    const message = isRecord(parsed) && typeof parsed.msg === 'string' ? parsed.msg : body.slice(0, 200);

    // A 5xx, or a code Binance documents as "may still execute" (-1007, -21006, -3007, ...),
    // whatever the HTTP status: never a plain rejection.
    const inFlight = code !== undefined && classifyBinanceCode(family, code) === 'in-flight';
    if (status >= 500 || inFlight) {
      return {
        kind: 'unknown',
        request: record,
        reason: code === -1007 ? 'binance-timeout' : 'server-error',
        status,
        explanation:
          `Binance answered HTTP ${status}${code === undefined ? '' : ` (${code}: ${message})`}. ` +
          (inFlight ? `${explainBinanceCode(family, code)} ` : 'Binance documents that the execution status is then UNKNOWN: it may have happened. ') +
          'It will not be re-sent; check in Binance before trying again.',
        latencyMs,
      };
    }

    if (status >= 400) {
      const outcome = {
        kind: 'rejected' as const,
        request: record,
        status,
        code,
        message,
        explanation:
          code !== undefined
            ? explainBinanceCode(family, code)
            : status === 403
              ? "Binance's web application firewall refused the request (HTTP 403). Nothing was executed."
              : `Binance refused the request with HTTP ${status}. Nothing was executed.`,
        latencyMs,
      };
      return outcome;
    }

    return {
      kind: 'unknown',
      request: record,
      reason: 'server-error',
      status,
      explanation: `Binance answered an unexpected HTTP ${status}; the execution status is UNKNOWN. Check in Binance before trying again.`,
      latencyMs,
    };
  }

  #failure(record: RequestRecord, error: unknown, latencyMs: number): BinanceOutcome {
    const code = errorCode(error);
    if (code !== undefined && NOT_CONNECTED_CODES.has(code)) {
      return {
        kind: 'not-sent',
        request: record,
        explanation: `Could not connect to Binance (${code}); nothing reached Binance. Check the network and BINANCE_${record.family.toUpperCase()}_URL, then try again.`,
      };
    }
    const timedOut = (code !== undefined && TIMEOUT_CODES.has(code)) || (error instanceof Error && error.name === 'TimeoutError');
    return {
      kind: 'unknown',
      request: record,
      reason: timedOut ? 'timeout' : 'connection-lost',
      status: undefined,
      explanation: timedOut
        ? `No answer from Binance within ${this.#options.timeoutMs} ms. The request was sent, so it may have been executed: the status is UNKNOWN. It will not be re-sent; check in Binance before trying again.`
        : `The connection to Binance was lost after the request was sent (${code ?? 'connection error'}). It may have been executed: the status is UNKNOWN. It will not be re-sent; check in Binance before trying again.`,
      latencyMs,
    };
  }

  async #send(
    family: Family,
    method: HttpMethod,
    pathAndQuery: string,
    form: string | undefined,
    security: 'signed' | 'public' = 'public',
  ): Promise<{ statusCode: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const { origin, prefix } = this.#base(family);
    const headers = security === 'signed' ? (form === undefined ? this.#headers.signed : this.#headers.signedForm) : HEADERS_PUBLIC;
    const signal = this.#deadlines.watch();
    try {
      const response = await this.#pool(origin).request({ method, path: `${prefix}${pathAndQuery}`, headers, body: form, signal });
      const body = await response.body.text();
      return { statusCode: response.statusCode, headers: response.headers, body };
    } finally {
      this.#deadlines.forget(signal);
    }
  }

  #base(family: Family): { origin: string; prefix: string } {
    let base = this.#bases.get(family);
    if (base === undefined) {
      const url = new URL(this.#options.baseUrls[family]);
      base = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
      this.#bases.set(family, base);
    }
    return base;
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      const { timeoutMs } = this.#options;
      pool = new Pool(origin, {
        connections: 16,
        keepAliveTimeout: 30_000,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        connect: { timeout: Math.min(timeoutMs, 10_000) },
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }
}

/**
 * BINANCE_TIMEOUT_MS for every call in flight, from one interval timer rather than
 * a timer per call (a timer started and stopped per call costs more than the rest
 * of the call's bookkeeping). The timer runs while calls are in flight and stops
 * on the first tick that finds none. A call is aborted within a tick (a tenth of
 * the timeout, at most 100 ms) of its deadline. The signal is an EventEmitter,
 * which undici accepts and which costs far less than an AbortController; undici's
 * own headersTimeout runs on a 1 s tick, too coarse for short timeouts.
 */
class Deadlines {
  readonly #due = new Map<EventEmitter, number>();
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    this.#tickMs = Math.max(5, Math.min(100, Math.floor(timeoutMs / 10)));
  }

  watch(): EventEmitter {
    const signal = new EventEmitter();
    this.#due.set(signal, performance.now() + this.timeoutMs);
    this.#timer ??= setInterval(() => this.#tick(), this.#tickMs).unref();
    return signal;
  }

  forget(signal: EventEmitter): void {
    this.#due.delete(signal);
  }

  #tick(): void {
    if (this.#due.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = performance.now();
    for (const [signal, due] of this.#due) {
      if (due > now) continue;
      this.#due.delete(signal);
      signal.emit('abort');
    }
  }
}

function safeParse(text: string): JsonValue | undefined {
  try {
    return parseJsonLossless(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
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
