// The rate-limit budget of one API family. Binance reports the used weight in
// response headers; the budget keeps the latest figure per counter and window,
// refuses before sending a call that would pass a limit (saying when it would
// fit), and honours Retry-After after a 429 or a 418 (an IP ban).
import type { CounterSpec, Weight } from './families.ts';

export interface CounterUsage {
  readonly header: string;
  readonly used: number;
  readonly limit: number | undefined;
  readonly windowEndsAt: number;
}

export type BudgetDecision =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'limit' | 'retry-after' | 'banned';
      readonly retryAt: number;
      readonly detail: string;
    };

interface Observation {
  used: number;
  window: number;
  intervalMs: number;
}

// Matches every usage header Binance documents, e.g. X-MBX-USED-WEIGHT-1M,
// X-SAPI-USED-UID-WEIGHT-1M, X-MBX-ORDER-COUNT-10S.
const USAGE_HEADER = /^x-(?:mbx|sapi)-(?:used-(?:ip-|uid-)?weight|order-count)-(\d+)([smhd])$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Header name → its window in ms, or null for any other header; every response repeats the same few names. */
const INTERVALS = new Map<string, number | null>();

function usageInterval(name: string): number | undefined {
  let interval = INTERVALS.get(name);
  if (interval === undefined) {
    const match = USAGE_HEADER.exec(name.toLowerCase());
    const ms = match === null ? 0 : Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    interval = ms > 0 ? ms : null;
    // Bounded: only a handful of distinct header names ever arrive.
    if (INTERVALS.size < 512) INTERVALS.set(name, interval);
  }
  return interval ?? undefined;
}

const ALLOWED: BudgetDecision = { ok: true };

export class RateLimitBudget {
  readonly #counters: readonly CounterSpec[];
  readonly #observed = new Map<string, Observation>();
  #blockedUntil = 0;
  #banned = false;

  constructor(counters: readonly CounterSpec[]) {
    this.#counters = counters;
  }

  /** Reads every usage header of a response, at Binance time `serverNow`. */
  observe(headers: Readonly<Record<string, string | string[] | undefined>>, serverNow: number): void {
    for (const name in headers) {
      const intervalMs = usageInterval(name);
      if (intervalMs === undefined) continue;
      const raw = headers[name];
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined || !/^\d+$/.test(value.trim())) continue;
      const key = name.toLowerCase();
      const used = Number(value);
      const window = Math.floor(serverNow / intervalMs);
      const known = this.#observed.get(key);
      if (known === undefined) this.#observed.set(key, { used, window, intervalMs });
      else {
        known.used = used;
        known.window = window;
      }
    }
  }


  /** Adds a sent call's cost locally, until the next headers say the true figure. */
  spend(weight: Weight, serverNow: number): void {
    for (const counter of this.#counters) {
      const cost = counter.cost(weight);
      if (cost === 0) continue;
      const window = Math.floor(serverNow / counter.intervalMs);
      const current = this.#usedIn(counter.header, window);
      const known = this.#observed.get(counter.header);
      if (known === undefined) this.#observed.set(counter.header, { used: current + cost, window, intervalMs: counter.intervalMs });
      else {
        known.used = current + cost;
        known.window = window;
      }
    }
  }

  /** Whether a call of `weight` may be sent now, and if not, when it could be. */
  check(weight: Weight, serverNow: number, localNow: number): BudgetDecision {
    if (localNow < this.#blockedUntil) {
      return this.#banned
        ? {
            ok: false,
            reason: 'banned',
            retryAt: this.#blockedUntil,
            detail: 'Binance has BANNED this IP address (HTTP 418) for sending after a 429',
          }
        : {
            ok: false,
            reason: 'retry-after',
            retryAt: this.#blockedUntil,
            detail: 'Binance answered 429 (too many requests) and asked the bot to wait',
          };
    }
    for (const counter of this.#counters) {
      const cost = counter.cost(weight);
      if (cost === 0) continue;
      const window = Math.floor(serverNow / counter.intervalMs);
      const used = this.#usedIn(counter.header, window);
      // A call heavier than the whole limit could never be sent; Binance decides then.
      if (cost <= counter.limit && used + cost > counter.limit) {
        const windowEndsAt = (window + 1) * counter.intervalMs;
        return {
          ok: false,
          reason: 'limit',
          retryAt: localNow + (windowEndsAt - serverNow),
          detail: `${counter.header} is at ${used} of ${counter.limit}; this call adds ${cost}`,
        };
      }
    }
    return ALLOWED;
  }

  /** After a 429 or 418: refuse everything until Retry-After has passed. */
  block(untilLocalMs: number, banned: boolean): void {
    if (untilLocalMs > this.#blockedUntil) {
      this.#blockedUntil = untilLocalMs;
      this.#banned = banned;
    } else if (banned) {
      this.#banned = true;
    }
  }

  /** Current usage of every counter seen or known, for /status. */
  usage(serverNow: number): CounterUsage[] {
    const headers = new Set([...this.#counters.map((counter) => counter.header), ...this.#observed.keys()]);
    return [...headers].map((header) => {
      const spec = this.#counters.find((counter) => counter.header === header);
      const intervalMs = spec?.intervalMs ?? this.#observed.get(header)?.intervalMs ?? 60_000;
      const window = Math.floor(serverNow / intervalMs);
      return { header, used: this.#usedIn(header, window), limit: spec?.limit, windowEndsAt: (window + 1) * intervalMs };
    });
  }

  get blockedUntil(): { until: number; banned: boolean } | undefined {
    return this.#blockedUntil > 0 ? { until: this.#blockedUntil, banned: this.#banned } : undefined;
  }

  #usedIn(header: string, window: number): number {
    const observation = this.#observed.get(header);
    return observation !== undefined && observation.window === window ? observation.used : 0;
  }
}
