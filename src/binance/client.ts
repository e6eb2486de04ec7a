// The signed Binance client: one keep-alive pool per host, timestamps from the
// corrected clock, the rate-limit budget reserved before sending, and every
// answer turned into a typed outcome. It never re-sends a call: a POST that may
// have executed is reported as UNKNOWN for a person to check. Every call it
// makes (actions, reads, pings, clock syncs) passes the same limits: the
// host's wait (429/418) and IP counters, shared with other clients through
// HostLimits, and this account's UID and order counters.
import type { Logger } from '../log.ts';
import { describeError, explained, headerValue, interpretAnswer, interpretFailure, isNotConnected, isRecord, safeParse, type HttpAnswer } from './answers.ts';
import { familyClocks, type FamilyClocks } from './clock.ts';
import { Connections } from './connections.ts';
import { Deadlines } from './deadlines.ts';
import { FAMILIES, FAMILY_SPECS, type Family, type Weight } from './families.ts';
import { banDecision, countersOf, HostLimits, type HostBan, type LimitOverrides } from './host-limits.ts';
import type { BinanceOutcome, BinanceRequest, HttpMethod, RequestRecord } from './outcome.ts';
import { RateLimitBudget, Reservation, type CounterUsage, type Refusal, type WeightClaim } from './rate-limit.ts';
import { encodeParams, keyIdOf, type Signer } from './signing.ts';

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
   * usage header (e.g. an account whose exchangeInfo `rateLimits` are higher):
   * for this account's counters, and for the IP counters when the client
   * builds its own HostLimits.
   */
  readonly limits?: LimitOverrides;
  /**
   * The per-host limits (IP counters and Retry-After waits) shared by every
   * client on the same IP. Without it, the client keeps its own, unshared.
   */
  readonly hostLimits?: HostLimits;
  /**
   * Binance's clock per family, shared by every account's client: the offset is
   * the host's, not the key's, so one client syncs it for all (the one whose
   * startClockSync runs). Without it, the client keeps its own.
   */
  readonly clocks?: FamilyClocks;
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

export class BinanceClient {
  readonly #options: BinanceClientOptions;
  readonly #localNow: () => number;
  readonly #connections: Connections;
  readonly #deadlines: Deadlines;
  /** Built once: every signed call sends the same headers. */
  readonly #headers: { readonly signed: Readonly<Record<string, string>>; readonly signedForm: Readonly<Record<string, string>> };
  readonly #clocks: FamilyClocks;
  readonly #hostLimits: HostLimits;
  /** This account's UID and order counters; the IP counters live in #hostLimits. */
  readonly #accountBudgets: Record<Family, RateLimitBudget>;
  readonly #inFlight = new Set<Promise<unknown>>();
  #syncTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: BinanceClientOptions) {
    this.#options = options;
    this.#localNow = options.localNow ?? Date.now;
    this.#deadlines = new Deadlines(options.timeoutMs);
    this.#connections = new Connections(options.baseUrls, options.timeoutMs);
    const signed = { ...HEADERS_PUBLIC, 'x-mbx-apikey': options.apiKey };
    this.#headers = { signed, signedForm: { ...signed, 'content-type': 'application/x-www-form-urlencoded' } };
    this.#clocks = options.clocks ?? familyClocks(this.#localNow);
    this.#hostLimits = options.hostLimits ?? new HostLimits({ ...(options.limits === undefined ? {} : { limits: options.limits }), log: options.log });
    const budget = (family: Family) => new RateLimitBudget(countersOf(family, 'account', options.limits));
    this.#accountBudgets = { sapi: budget('sapi'), papi: budget('papi'), fapi: budget('fapi') };
  }

  get dryRun(): boolean {
    return this.#options.dryRun;
  }

  /**
   * Which key this client signs with, without the key: a SHA-256 digest of the
   * API key, cut short. A confirmation records it, so a click handled after
   * the account's key was replaced sends nothing.
   */
  get keyId(): string {
    return keyIdOf(this.#options.apiKey);
  }

  /** Where a family's calls go (BINANCE_SAPI_URL and its siblings). */
  baseUrl(family: Family): string {
    return this.#options.baseUrls[family];
  }

  /** Binance's time for a family, by the latest clock sync. */
  serverNow(family: Family): number {
    return this.#clocks[family].now();
  }

  /**
   * Measures a family's clock offset against its time endpoint. During a
   * Retry-After wait or a ban it sends nothing and throws, saying when calls resume.
   */
  async syncClock(family: Family): Promise<number> {
    const source = FAMILY_SPECS[family].time;
    const result = await this.#publicGet(source.family, source.path);
    if (result.kind === 'refused') throw new Error(`${source.path} not sent: ${refusalText(result.decision)}`);
    if (result.kind === 'failed') throw result.error;
    const { sentAt, receivedAt, response } = result;
    const { statusCode, body } = response;
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

  /**
   * Pings a family and reports its clock and rate-limit state, for /status.
   * During a Retry-After wait or a ban nothing is sent; `blocked` says until when.
   */
  async health(family: Family): Promise<FamilyHealth> {
    const host = this.#connections.base(family).origin;
    // Another process may have met the ban: read it even when the ping is refused for another reason.
    await this.#hostLimits.refresh(host, this.#localNow());
    const result = await this.#publicGet(family, FAMILY_SPECS[family].pingPath);
    const ban = this.#hostLimits.ban(host, this.#localNow());
    const base = {
      family,
      clockOffsetMs: this.#clocks[family].offsetMs,
      clockSyncedAt: this.#clocks[family].syncedAt,
      usage: this.usage(family),
      blocked: ban === undefined ? undefined : { until: ban.until, banned: ban.status === 418 },
    };
    switch (result.kind) {
      case 'refused':
        return { ...base, reachable: false, roundTripMs: undefined, error: `not pinged: ${refusalText(result.decision)}` };
      case 'failed':
        return { ...base, reachable: false, roundTripMs: undefined, error: describeError(result.error) };
      case 'answered': {
        const { statusCode } = result.response;
        return statusCode === 200
          ? { ...base, reachable: true, roundTripMs: result.latencyMs }
          : { ...base, reachable: false, roundTripMs: result.latencyMs, error: `HTTP ${statusCode}` };
      }
      default: {
        const unreachable: never = result;
        throw new Error(`unexpected result ${String(unreachable)}`);
      }
    }
  }

  /** Every counter of a family as this client sees it: the host's IP counters, then this account's. */
  usage(family: Family): CounterUsage[] {
    const serverNow = this.#clocks[family].now();
    return [...this.#hostLimits.budget(this.#connections.base(family).origin, family).usage(serverNow), ...this.#accountBudgets[family].usage(serverNow)];
  }

  /** This account's own counters of a family (UID and order), without the host's IP counters. */
  accountUsage(family: Family): CounterUsage[] {
    return this.#accountBudgets[family].usage(this.#clocks[family].now());
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
    await this.#connections.close();
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  async #execute(request: BinanceRequest, hooks: ExecuteHooks): Promise<BinanceOutcome> {
    const { family } = request;
    const withTime =
      request.security === 'signed'
        ? [...request.params, ['recvWindow', String(this.#options.recvWindowMs)] as const, ['timestamp', String(this.#clocks[family].now())] as const]
        : request.params;
    const payload = encodeParams(withTime);
    const record: RequestRecord = { family, method: request.method, path: request.path, params: payload };

    // Checked and reserved in one synchronous step: nothing between them can await.
    const reservation = this.#reserve(family, request.weight);
    if (!reservation.ok) return notSent(record, reservation);

    const signed = request.security === 'signed' ? `${payload}${payload === '' ? '' : '&'}signature=${this.#options.signer.sign(payload)}` : payload;
    if (this.#options.dryRun && request.method !== 'GET') {
      reservation.release();
      return { kind: 'dry-run', request: record };
    }
    const result =
      request.method === 'GET'
        ? await this.#dispatch(reservation, 'GET', `${request.path}${signed === '' ? '' : `?${signed}`}`, undefined, request.security, hooks, record)
        : await this.#dispatch(reservation, request.method, request.path, signed, request.security, hooks, record);
    switch (result.kind) {
      case 'refused':
        return notSent(record, result.decision);
      case 'failed':
        return interpretFailure(record, result.error, result.latencyMs, this.#options.timeoutMs);
      case 'answered': {
        const outcome = interpretAnswer(record, result.response, result.latencyMs, result.ban);
        // After -1021: measure the clock again so the next attempt is right, but never re-send.
        return outcome.kind === 'rejected' && outcome.code === -1021 ? this.#withClockResync(outcome) : outcome;
      }
      default: {
        const unreachable: never = result;
        throw new Error(`unexpected result ${String(unreachable)}`);
      }
    }
  }

  /** An unsigned GET (ping, time) under the same limits as every other call. */
  async #publicGet(family: Family, path: string): Promise<Dispatched> {
    const reservation = this.#reserve(family, FAMILY_SPECS[family].publicWeight);
    if (!reservation.ok) return { kind: 'refused', decision: reservation };
    return this.#dispatch(reservation, 'GET', path, undefined, 'public', {}, undefined);
  }

  /**
   * Checks the host's known wait and both budgets (the host's IP counters, this
   * account's counters) and reserves the call in all of them. Synchronous, so
   * concurrent calls see each other's reservations and cannot overshoot.
   */
  #reserve(family: Family, weight: Weight): Reservation | Refusal {
    const host = this.#connections.base(family).origin;
    const localNow = this.#localNow();
    const ban = this.#hostLimits.ban(host, localNow);
    if (ban !== undefined) return banDecision(ban);
    const serverNow = this.#clocks[family].now();
    const ip = this.#hostLimits.budget(host, family);
    const account = this.#accountBudgets[family];
    const decision = ip.check(weight, serverNow, localNow);
    if (!decision.ok) return decision;
    const own = account.check(weight, serverNow, localNow);
    if (!own.ok) return own;
    ip.reserve(weight);
    account.reserve(weight);
    return new Reservation(host, family, weight, ip, account);
  }

  /**
   * Sends a reserved call. The reservation is given back when nothing reached
   * Binance (a wait recorded by another process, the beforeSend hook threw, no
   * connection); otherwise it is settled with the answer's usage headers.
   */
  async #dispatch(
    reservation: Reservation,
    method: HttpMethod,
    pathAndQuery: string,
    form: string | undefined,
    security: 'signed' | 'public',
    hooks: ExecuteHooks,
    record: RequestRecord | undefined,
  ): Promise<Dispatched> {
    const { family, host } = reservation;
    // The call's IP weight as reserved in the state shared with the other processes (none without it).
    let claims: WeightClaim[] = [];
    const giveBack = async () => {
      reservation.release();
      if (claims.length > 0) await this.#hostLimits.releaseShared(host, family, claims);
    };
    try {
      // One read of the shared wait before the bytes leave, so a 429/418 met by
      // another process on this database is honoured by the next send here.
      // Without shared state there is nothing to read and no await.
      if (this.#hostLimits.shared) {
        const ban = await this.#hostLimits.refresh(host, this.#localNow());
        if (ban !== undefined) {
          reservation.release();
          return { kind: 'refused', decision: banDecision(ban) };
        }
      }
      // The weight, reserved where every process on this database counts it: together they stay within the IP's limit.
      if (this.#hostLimits.sharesWeights) {
        const serverNow = this.#clocks[family].now();
        const wanted = this.#hostLimits.budget(host, family).claims(reservation.weight, serverNow);
        const refused = await this.#hostLimits.reserveShared(host, family, wanted, serverNow, this.#localNow());
        if (refused !== undefined) {
          reservation.release();
          return { kind: 'refused', decision: refused };
        }
        claims = wanted;
      }
      if (hooks.beforeSend !== undefined && record !== undefined) await hooks.beforeSend(record);
    } catch (error) {
      await giveBack();
      throw error;
    }
    const sentAt = this.#localNow();
    const startedAt = performance.now();
    let response: HttpAnswer;
    try {
      response = await this.#send(family, method, pathAndQuery, form, security);
    } catch (error) {
      if (isNotConnected(error)) await giveBack();
      else {
        reservation.settle(this.#clocks[family].now(), undefined);
        if (claims.length > 0) await this.#hostLimits.settleShared(host, family, claims, this.#clocks[family].now(), undefined);
      }
      return { kind: 'failed', error, latencyMs: Math.round(performance.now() - startedAt) };
    }
    const latencyMs = Math.round(performance.now() - startedAt);
    const receivedAt = this.#localNow();
    reservation.settle(this.#clocks[family].now(), response.headers);
    if (claims.length > 0) await this.#hostLimits.settleShared(host, family, claims, this.#clocks[family].now(), response.headers);
    const ban = response.statusCode === 429 || response.statusCode === 418 ? await this.#imposeWait(family, host, response) : undefined;
    return { kind: 'answered', response, latencyMs, sentAt, receivedAt, ban };
  }

  /** After a 429 or 418: nothing goes to the host until Retry-After has passed, in any process. */
  async #imposeWait(family: Family, host: string, response: HttpAnswer): Promise<HostBan> {
    const asked = Number(headerValue(response.headers, 'retry-after') ?? DEFAULT_RETRY_AFTER_S);
    // A nonsense header (negative, huge, not a number) must not break the answer: clamp it.
    const retryAfterS = Number.isFinite(asked) && asked >= 0 ? Math.min(asked, MAX_RETRY_AFTER_S) : DEFAULT_RETRY_AFTER_S;
    const ban: HostBan = { host, until: this.#localNow() + retryAfterS * 1000, status: response.statusCode === 418 ? 418 : 429 };
    await this.#hostLimits.impose(ban);
    const retryAt = new Date(ban.until).toISOString();
    if (ban.status === 418) {
      this.#options.log.error('BINANCE HAS BANNED THIS IP ADDRESS (HTTP 418); every call to this host is refused until the ban ends', { family, host, retryAt });
    } else {
      this.#options.log.warn('binance rate limit hit (HTTP 429); nothing is sent to this host until Retry-After passes', { family, host, retryAt });
    }
    return ban;
  }

  async #withClockResync(outcome: Extract<BinanceOutcome, { kind: 'rejected' }>): Promise<BinanceOutcome> {
    try {
      return { ...outcome, clockResync: { ok: true, offsetMs: await this.syncClock(outcome.request.family) } };
    } catch (error) {
      return { ...outcome, clockResync: { ok: false, reason: describeError(error) } };
    }
  }

  async #send(
    family: Family,
    method: HttpMethod,
    pathAndQuery: string,
    form: string | undefined,
    security: 'signed' | 'public',
  ): Promise<HttpAnswer> {
    const { origin, prefix } = this.#connections.base(family);
    const headers = security === 'signed' ? (form === undefined ? this.#headers.signed : this.#headers.signedForm) : HEADERS_PUBLIC;
    const signal = this.#deadlines.watch();
    try {
      const response = await this.#connections.pool(origin).request({ method, path: `${prefix}${pathAndQuery}`, headers, body: form, signal });
      const body = await response.body.text();
      return { statusCode: response.statusCode, headers: response.headers, body };
    } finally {
      this.#deadlines.forget(signal);
    }
  }
}

/** What became of a reserved call. */
type Dispatched =
  | { readonly kind: 'refused'; readonly decision: Refusal }
  | { readonly kind: 'failed'; readonly error: unknown; readonly latencyMs: number }
  | {
      readonly kind: 'answered';
      readonly response: HttpAnswer;
      readonly latencyMs: number;
      /** Local times around the exchange, for the clock sync. */
      readonly sentAt: number;
      readonly receivedAt: number;
      /** The wait a 429/418 answer imposed. */
      readonly ban: HostBan | undefined;
    };

function notSent(record: RequestRecord, decision: Refusal): BinanceOutcome {
  return {
    kind: 'rate-limited',
    request: record,
    sent: false,
    status: undefined,
    banned: decision.reason === 'banned',
    retryAt: decision.retryAt,
    ...explained({ kind: 'held', hold: decision.reason, counter: decision.counter }, record),
  };
}

function refusalText(decision: Refusal): string {
  return `${decision.detail}; calls resume at ${new Date(decision.retryAt).toISOString()}`;
}

