// The rate-limit budget of a set of counters (one family's IP counters on a
// host, or one account's UID and order counters). Binance reports the used
// weight in response headers; the budget keeps the latest figure per counter
// and window, and adds the cost of every call reserved but not yet answered.
// A call is reserved in the same synchronous step that checks it, so calls
// started together cannot all see the same room and overshoot the limit.
import { inEnglish } from '../i18n/index.ts';
import type { CounterScope, CounterSpec, Family, Weight } from './families.ts';

/** Response headers, as undici gives them (lower-case names). */
export type UsageHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface CounterUsage {
  readonly header: string;
  /** The IP's counter on the host (every account spends it), or one account's. */
  readonly scope: CounterScope;
  readonly used: number;
  readonly limit: number | undefined;
  readonly windowEndsAt: number;
}

export type BudgetDecision =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'limit' | 'retry-after' | 'banned';
      /** Local epoch ms from which the call could be tried again. */
      readonly retryAt: number;
      readonly detail: string;
      /** For 'limit': the counter that is full, so the reason can be said in any language. */
      readonly counter?: HeldCounter;
    };

/** A counter too full for a call: its header, what it holds, its limit, what the call would add. */
export interface HeldCounter {
  readonly header: string;
  readonly used: number;
  readonly limit: number;
  readonly cost: number;
  /** Counted across every bot process on the database (the shared IP weight), not this process alone. */
  readonly shared?: boolean;
}

/** A decision not to send. */
export type Refusal = Extract<BudgetDecision, { readonly ok: false }>;

interface Observation {
  used: number;
  window: number;
}

export const ALLOWED: BudgetDecision = { ok: true };

/** A call's cost on one counter in one window: what a budget shared between processes reserves. */
export interface WeightClaim {
  readonly header: string;
  /** The counter's window: server epoch ms divided by its interval. */
  readonly window: number;
  readonly intervalMs: number;
  readonly cost: number;
  readonly limit: number;
}

/** Binance's own figure for a counter in a window, from an answer's headers. */
export interface WeightReport {
  readonly header: string;
  readonly window: number;
  readonly used: number;
}

export class RateLimitBudget {
  readonly #counters: readonly CounterSpec[];
  readonly #observed = new Map<string, Observation>();
  /** Cost of the calls reserved and not yet settled, per counter (same order as #counters). */
  readonly #inFlight: number[];

  constructor(counters: readonly CounterSpec[]) {
    this.#counters = counters;
    this.#inFlight = counters.map(() => 0);
  }

  /** Whether a call of `weight` fits now, counting the calls in flight; if not, when it could. */
  check(weight: Weight, serverNow: number, localNow: number): BudgetDecision {
    for (let i = 0; i < this.#counters.length; i++) {
      const counter = this.#counters[i] as CounterSpec;
      const cost = counter.cost(weight);
      if (cost === 0) continue;
      const window = Math.floor(serverNow / counter.intervalMs);
      const used = this.#usedIn(counter.header, window) + (this.#inFlight[i] ?? 0);
      // A call heavier than the whole limit could never be sent; Binance decides then.
      if (cost <= counter.limit && used + cost > counter.limit) {
        const windowEndsAt = (window + 1) * counter.intervalMs;
        const held: HeldCounter = { header: counter.header, used, limit: counter.limit, cost };
        return {
          ok: false,
          reason: 'limit',
          retryAt: localNow + (windowEndsAt - serverNow),
          detail: inEnglish((t) => t.binance.held.limit(held)),
          counter: held,
        };
      }
    }
    return ALLOWED;
  }

  /** Holds a checked call's cost until it is settled or released. Call it right after check(), with no await between. */
  reserve(weight: Weight): void {
    for (let i = 0; i < this.#counters.length; i++) {
      this.#inFlight[i] = (this.#inFlight[i] ?? 0) + (this.#counters[i] as CounterSpec).cost(weight);
    }
  }

  /** Gives a reservation back: the call never reached Binance. */
  release(weight: Weight): void {
    for (let i = 0; i < this.#counters.length; i++) {
      this.#inFlight[i] = Math.max(0, (this.#inFlight[i] ?? 0) - (this.#counters[i] as CounterSpec).cost(weight));
    }
  }

  /**
   * A reserved call reached Binance. With its answer's headers, Binance's own
   * figures replace the estimate; without an answer (timeout, dropped
   * connection), its cost stays counted locally, since Binance counted it.
   */
  settle(weight: Weight, serverNow: number, headers: UsageHeaders | undefined): void {
    this.release(weight);
    for (const counter of this.#counters) {
      const window = Math.floor(serverNow / counter.intervalMs);
      const reported = headers === undefined ? undefined : usageHeader(headers[counter.header]);
      if (reported !== undefined) this.#raise(counter.header, window, reported);
      else {
        const cost = counter.cost(weight);
        if (cost > 0) this.#raise(counter.header, window, this.#usedIn(counter.header, window) + cost);
      }
    }
  }

  /** What a call of `weight` costs on each counter now (counters it does not count on left out). */
  claims(weight: Weight, serverNow: number): WeightClaim[] {
    return this.#counters.flatMap((counter) => {
      const cost = counter.cost(weight);
      return cost === 0 ? [] : [{ header: counter.header, window: Math.floor(serverNow / counter.intervalMs), intervalMs: counter.intervalMs, cost, limit: counter.limit }];
    });
  }

  /** Binance's figures in an answer's headers, per counter. */
  reports(serverNow: number, headers: UsageHeaders): WeightReport[] {
    return this.#counters.flatMap((counter) => {
      const used = usageHeader(headers[counter.header]);
      return used === undefined ? [] : [{ header: counter.header, window: Math.floor(serverNow / counter.intervalMs), used }];
    });
  }

  /** Current usage of every counter (calls in flight included), for /status. */
  usage(serverNow: number): CounterUsage[] {
    return this.#counters.map((counter, i) => {
      const window = Math.floor(serverNow / counter.intervalMs);
      return {
        header: counter.header,
        scope: counter.scope,
        used: this.#usedIn(counter.header, window) + (this.#inFlight[i] ?? 0),
        limit: counter.limit,
        windowEndsAt: (window + 1) * counter.intervalMs,
      };
    });
  }

  // Binance's counters only grow within a window, so an answer that arrives
  // late with a smaller figure than one already seen does not lower it.
  #raise(header: string, window: number, used: number): void {
    const known = this.#observed.get(header);
    if (known === undefined) this.#observed.set(header, { used, window });
    else if (known.window !== window) {
      known.used = used;
      known.window = window;
    } else if (used > known.used) known.used = used;
  }

  #usedIn(header: string, window: number): number {
    const observation = this.#observed.get(header);
    return observation !== undefined && observation.window === window ? observation.used : 0;
  }
}

/** One call's hold on the host's IP counters and the account's counters. */
export class Reservation {
  readonly ok = true;

  constructor(
    readonly host: string,
    readonly family: Family,
    readonly weight: Weight,
    private readonly ip: RateLimitBudget,
    private readonly account: RateLimitBudget,
  ) {}

  release(): void {
    this.ip.release(this.weight);
    this.account.release(this.weight);
  }

  settle(serverNow: number, headers: UsageHeaders | undefined): void {
    this.ip.settle(this.weight, serverNow, headers);
    this.account.settle(this.weight, serverNow, headers);
  }
}

function usageHeader(raw: string | string[] | undefined): number | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}
