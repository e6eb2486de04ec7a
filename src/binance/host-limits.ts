// What Binance limits per IP address on a host: each family's IP-weighted
// counters there, and the wait Binance imposes with Retry-After (a 429, or a
// 418 IP ban of 2 minutes up to 3 days). Binance counts these for the address,
// whichever key sends, so the composition root builds ONE HostLimits and hands
// it to every client (one per account); each client keeps its own account's
// UID and order counters. A wait is also written to a shared state (SQLite, in
// the bot) so every process using the same database honours it, and so is the
// IP weight each call spends (reserveShared): the local budget keeps calls of
// one process from overshooting (checked and reserved with no await between),
// the shared one keeps the processes on one database, and so one IP address,
// from overshooting together.
import { inEnglish } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { FAMILY_SPECS, type CounterScope, type CounterSpec, type Family } from './families.ts';
import { RateLimitBudget, type Refusal, type UsageHeaders, type WeightClaim, type WeightReport } from './rate-limit.ts';

/** A wait Binance imposed on a host: a 429's Retry-After, or an IP ban (418). */
export interface HostBan {
  /** The origin the wait applies to, e.g. `https://papi.binance.com`. */
  readonly host: string;
  /** Local epoch ms when calls may be sent again. */
  readonly until: number;
  readonly status: 429 | 418;
}

/**
 * Where waits are kept so that every process on the same database honours them.
 * `src/store/` implements it; this layer knows nothing of how.
 */
export interface SharedBanState {
  /** Keeps a wait; a longer wait already recorded for the host stays. */
  record(ban: HostBan): Promise<void>;
  /** The wait in force on a host at local time `now`, as recorded by any process. */
  current(host: string, now: number): Promise<HostBan | undefined>;
}

/**
 * Where the IP weight spent on each host is kept so that every process on the
 * same database counts the others' calls. `src/store/` implements it.
 */
export interface SharedWeightState {
  /** Adds each claim's cost in its window if every counter stays within its limit (in one step); else adds nothing and names the claim that did not fit. */
  reserve(host: string, claims: readonly WeightClaim[]): Promise<{ readonly ok: true } | { readonly ok: false; readonly claim: WeightClaim; readonly used: number }>;
  /** A reserved call reached Binance: its cost leaves the calls in flight; Binance's figures (undefined: no answer, its cost stays counted) raise the counters. */
  settle(host: string, claims: readonly WeightClaim[], reports: readonly WeightReport[] | undefined): Promise<void>;
  /** Gives claims back: the call never reached Binance. */
  release(host: string, claims: readonly WeightClaim[]): Promise<void>;
}

/** Limits that differ from Binance's documented defaults, per family and usage header. */
export type LimitOverrides = Partial<Record<Family, Readonly<Record<string, number>>>>;

export interface HostLimitsOptions {
  /** Without it, waits are known to this process only. */
  readonly shared?: SharedBanState;
  /** Without it, the IP weight is counted by this process only. */
  readonly sharedWeights?: SharedWeightState;
  /** Overrides of the IP-weighted limits (e.g. an account whose exchangeInfo shows higher ones). */
  readonly limits?: LimitOverrides;
  readonly log?: Logger;
}

export class HostLimits {
  readonly #options: HostLimitsOptions;
  readonly #budgets = new Map<string, RateLimitBudget>();
  /** The latest wait known per host: set at once by this process, refreshed from the shared state. */
  readonly #bans = new Map<string, HostBan>();
  readonly #reading = new Map<string, Promise<HostBan | undefined>>();

  constructor(options: HostLimitsOptions = {}) {
    this.#options = options;
  }

  /** Whether waits are shared with other processes (and must be read before a send). */
  get shared(): boolean {
    return this.#options.shared !== undefined;
  }

  /** The IP-weighted counters of `family` on `host`. */
  budget(host: string, family: Family): RateLimitBudget {
    const key = `${family} ${host}`;
    let budget = this.#budgets.get(key);
    if (budget === undefined) {
      budget = new RateLimitBudget(countersOf(family, 'ip', this.#options.limits));
      this.#budgets.set(key, budget);
    }
    return budget;
  }

  /** The wait known in this process for a host, if it still runs at `now`. No I/O. */
  ban(host: string, now: number): HostBan | undefined {
    const ban = this.#bans.get(host);
    return ban !== undefined && ban.until > now ? ban : undefined;
  }

  /**
   * Reads the shared state for a host (another process may have met a 429 or
   * 418 there). Callers running together share one read: the read a caller
   * joins may have started just before it, the same gap that any check has
   * between reading and sending. A failed read is logged and the known wait
   * is used: the database being unreadable stops money-moving calls anyway,
   * since their log row cannot be written.
   */
  refresh(host: string, now: number): Promise<HostBan | undefined> {
    const shared = this.#options.shared;
    if (shared === undefined) return Promise.resolve(this.ban(host, now));
    let reading = this.#reading.get(host);
    if (reading === undefined) {
      reading = shared
        .current(host, now)
        .then(
          (ban) => {
            if (ban !== undefined) this.#remember(ban);
            return this.ban(host, now);
          },
          (error: unknown) => {
            this.#options.log?.warn('could not read the shared Binance ban state; using what this process knows', { host, error });
            return this.ban(host, now);
          },
        )
        .finally(() => this.#reading.delete(host));
      this.#reading.set(host, reading);
    }
    return reading;
  }

  /** Whether the IP weight is shared with other processes (and must be reserved there before a send). */
  get sharesWeights(): boolean {
    return this.#options.sharedWeights !== undefined;
  }

  /**
   * Reserves a call's IP weight in the shared state, after the local budget
   * allowed it: refused when the processes together would overshoot. A failed
   * read is logged and the call allowed (the local budget still holds).
   */
  async reserveShared(host: string, family: Family, claims: readonly WeightClaim[], serverNow: number, localNow: number): Promise<Refusal | undefined> {
    const shared = this.#options.sharedWeights;
    if (shared === undefined || claims.length === 0) return undefined;
    try {
      const result = await shared.reserve(sharedKey(family, host), claims);
      if (result.ok) return undefined;
      const { claim, used } = result;
      const counter = { header: claim.header, used, limit: claim.limit, cost: claim.cost, shared: true };
      return {
        ok: false,
        reason: 'limit',
        retryAt: localNow + ((claim.window + 1) * claim.intervalMs - serverNow),
        detail: inEnglish((t) => t.binance.held.shared(counter)),
        counter,
      };
    } catch (error) {
      this.#options.log?.warn('could not reserve weight in the shared state; this process counts alone', { host, error });
      return undefined;
    }
  }

  /** A call reserved in the shared state reached Binance: Binance's figures from its answer (none: no answer), for the other processes. */
  async settleShared(host: string, family: Family, claims: readonly WeightClaim[], serverNow: number, headers: UsageHeaders | undefined): Promise<void> {
    const reports = headers === undefined ? undefined : this.budget(host, family).reports(serverNow, headers);
    await this.#options.sharedWeights?.settle(sharedKey(family, host), claims, reports).catch((error: unknown) => this.#options.log?.warn('could not share the used weight', { host, error }));
  }

  /** Gives a shared reservation back: the call never reached Binance. */
  async releaseShared(host: string, family: Family, claims: readonly WeightClaim[]): Promise<void> {
    await this.#options.sharedWeights?.release(sharedKey(family, host), claims).catch((error: unknown) => this.#options.log?.warn('could not give weight back to the shared state', { host, error }));
  }

  /** Records a wait Binance asked for: at once here, and in the shared state for the others. */
  async impose(ban: HostBan): Promise<void> {
    this.#remember(ban);
    try {
      await this.#options.shared?.record(ban);
    } catch (error) {
      this.#options.log?.error('could not store a Binance ban for the other bot processes; this one honours it', { host: ban.host, error });
    }
  }

  #remember(ban: HostBan): void {
    const known = this.#bans.get(ban.host);
    // The longer wait wins; a ban (418) is never downgraded to a 429 it outlasts.
    if (known === undefined || ban.until > known.until) this.#bans.set(ban.host, ban);
    else if (ban.status === 418 && known.status !== 418) this.#bans.set(ban.host, { ...known, status: 418 });
  }
}

/** Where a family's counters on a host are shared: as the local budgets, per family (two families may share a host and a header name, not a limit). */
function sharedKey(family: Family, host: string): string {
  return `${family} ${host}`;
}

/** A refusal that says why nothing was sent and when it could be. */
export function banDecision(ban: HostBan): Refusal {
  return ban.status === 418
    ? { ok: false, reason: 'banned', retryAt: ban.until, detail: inEnglish((t) => t.binance.held.banned) }
    : { ok: false, reason: 'retry-after', retryAt: ban.until, detail: inEnglish((t) => t.binance.held.retryAfter) };
}

/** A family's documented counters of one scope, with any overridden limits. */
export function countersOf(family: Family, scope: CounterScope, limits: LimitOverrides | undefined): CounterSpec[] {
  return FAMILY_SPECS[family].counters
    .filter((counter) => counter.scope === scope)
    .map((counter) => ({ ...counter, limit: limits?.[family]?.[counter.header] ?? counter.limit }));
}
