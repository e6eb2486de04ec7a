// Reading Binance's state: what a confirmation shows before the click, what
// the bot reads back after a success, and what the reconciler reads to settle
// an UNKNOWN outcome. Every read is a signed GET through the account's own
// client, so it meets the same clock, the same bans (a 429/418 wait recorded
// by any process stops reads too) and the same counters as every other call.
// Two rules of its own:
// - Reads spend a SHARE of each counter (READ_SHARE, a quarter): the reads of
//   one reader (one account, one process) never use more than that share of a
//   window's limit, and no read takes a counter, whoever spent it, above the
//   other three quarters. So whatever reads do, three quarters of every
//   limit stay for the calls that move money, and the last quarter of a
//   window is never spent on reading. The check and the client's own
//   reservation run in one synchronous step, so reads started together
//   cannot overshoot either bound.
// - The same read within READ_CACHE_MS is answered from a short cache, and one
//   read in flight serves everyone who asks meanwhile. `forget()` drops it when
//   the account's state changes (a request is about to be sent).
// Nothing here can send anything but a GET.
import type { BinanceClient } from './client.ts';
import { FAMILY_SPECS, type Family, type Weight } from './families.ts';
import type { JsonValue } from './json.ts';
import { encodeParams } from './signing.ts';

/** One signed GET that shows state. */
export interface ReadRequest {
  readonly family: Family;
  readonly path: string;
  /** Parameters in the order sent (timestamp and signature are added by the client). */
  readonly params: ReadonlyArray<readonly [string, string]>;
  /** Binance's documented weight of the read. */
  readonly weight: Weight;
}

export type ReadResult =
  | { readonly kind: 'read'; readonly body: JsonValue; /** Local epoch ms when the answer arrived. */ readonly at: number }
  /** Nothing usable came back; `why` says so in an operator's words. */
  | { readonly kind: 'unavailable'; readonly why: string };

/** The part of each counter's limit that reads may use: the rest is kept for money-moving calls. */
export const READ_SHARE = 0.25;
/** How long an answer is reused for the same read. */
export const READ_CACHE_MS = 3_000;

export interface StateReaderOptions {
  readonly share?: number;
  readonly cacheMs?: number;
  /** The local clock (tests move it). */
  readonly now?: () => number;
}

interface Cached {
  readonly startedAt: number;
  readonly result: Promise<ReadResult>;
}

/** What this reader's reads spent of one counter in one window. */
interface Spent {
  readonly windowEndsAt: number;
  used: number;
}

/** The reads of one account, through that account's client. */
export class StateReader {
  readonly #client: BinanceClient;
  readonly #share: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();
  readonly #spent = new Map<string, Spent>();

  constructor(client: BinanceClient, options: StateReaderOptions = {}) {
    this.#client = client;
    this.#share = options.share ?? READ_SHARE;
    this.#cacheMs = options.cacheMs ?? READ_CACHE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Reads `request`; `fresh` skips the cache (and refills it). */
  read(request: ReadRequest, options: { readonly fresh?: boolean } = {}): Promise<ReadResult> {
    const key = `${request.family} ${request.path}?${encodeParams(request.params)}`;
    const now = this.#now();
    const cached = this.#cache.get(key);
    if (options.fresh !== true && cached !== undefined && now - cached.startedAt < this.#cacheMs) return cached.result;
    const result = this.#fetch(request);
    const entry: Cached = { startedAt: now, result };
    this.#cache.set(key, entry);
    // A failed read is not kept: the next caller tries again.
    void result.then((settled) => {
      if (settled.kind === 'unavailable' && this.#cache.get(key) === entry) this.#cache.delete(key);
    });
    this.#prune(now);
    return result;
  }

  /** The account's state is about to change: nothing read before may be shown again. */
  forget(): void {
    this.#cache.clear();
  }

  /** Whether `request` fits in the reads' share of every counter it costs, checked and sent in one synchronous step. */
  #fetch(request: ReadRequest): Promise<ReadResult> {
    const over = this.#overShare(request.family, request.weight);
    if (over !== undefined) return Promise.resolve({ kind: 'unavailable', why: over });
    this.#spend(request.family, request.weight);
    const outcome = this.#client.execute({ family: request.family, method: 'GET', path: request.path, params: request.params, weight: request.weight, security: 'signed' });
    return outcome.then(
      (answered): ReadResult => {
        switch (answered.kind) {
          case 'success':
            return { kind: 'read', body: answered.body, at: this.#now() };
          case 'rejected':
            return { kind: 'unavailable', why: `Binance refused the read of ${request.path} (${answered.code ?? `HTTP ${answered.status}`}: ${answered.message})` };
          case 'rate-limited':
            return {
              kind: 'unavailable',
              why: `${answered.banned ? 'Binance has banned this IP address' : 'Binance asked the bot to wait'}; reads resume at ${new Date(answered.retryAt).toISOString()}`,
            };
          case 'unknown':
            return {
              kind: 'unavailable',
              why:
                answered.reason === 'timeout'
                  ? `Binance did not answer the read of ${request.path} in time`
                  : answered.status === undefined
                    ? `the read of ${request.path} got no answer (${answered.reason})`
                    : `Binance answered the read of ${request.path} with HTTP ${answered.status}`,
            };
          case 'not-sent':
            return { kind: 'unavailable', why: `Binance could not be reached (${answered.explanation})` };
          case 'dry-run':
            // The client never holds back a GET in dry-run; should it ever, there is no state to show.
            return { kind: 'unavailable', why: 'the read was not sent (dry-run)' };
          default: {
            const unreachable: never = answered;
            return unreachable;
          }
        }
      },
      (error: unknown): ReadResult => ({ kind: 'unavailable', why: `the read of ${request.path} failed (${error instanceof Error ? error.message : String(error)})` }),
    );
  }

  /** Why a read of `weight` would break the reads' share of a counter, or undefined when it fits. */
  #overShare(family: Family, weight: Weight): string | undefined {
    for (const usage of this.#client.usage(family)) {
      const counter = FAMILY_SPECS[family].counters.find((spec) => spec.header === usage.header);
      if (counter === undefined || usage.limit === undefined) continue;
      const cost = counter.cost(weight);
      if (cost === 0) continue;
      const own = this.#spentOn(family, usage.header, usage.windowEndsAt);
      const share = Math.floor(usage.limit * this.#share);
      if (own + cost > share) {
        return `reads have spent ${own} of their share of ${usage.header} this window (${share} of ${usage.limit}; the rest is kept for money-moving calls)`;
      }
      const ceiling = usage.limit - share;
      if (usage.used + cost > ceiling) {
        return `${usage.header} is at ${usage.used} of ${usage.limit}, and reads stop at ${ceiling} so that the last ${share} stay free for money-moving calls`;
      }
    }
    return undefined;
  }

  /** Counts a read that is being sent against this reader's share of each counter it costs. */
  #spend(family: Family, weight: Weight): void {
    for (const usage of this.#client.usage(family)) {
      const counter = FAMILY_SPECS[family].counters.find((spec) => spec.header === usage.header);
      const cost = counter?.cost(weight) ?? 0;
      if (cost === 0) continue;
      const key = `${family} ${usage.header}`;
      const spent = this.#spent.get(key);
      if (spent === undefined || spent.windowEndsAt !== usage.windowEndsAt) this.#spent.set(key, { windowEndsAt: usage.windowEndsAt, used: cost });
      else spent.used += cost;
    }
  }

  #spentOn(family: Family, header: string, windowEndsAt: number): number {
    const spent = this.#spent.get(`${family} ${header}`);
    return spent?.windowEndsAt === windowEndsAt ? spent.used : 0;
  }

  #prune(now: number): void {
    if (this.#cache.size < 64) return;
    for (const [key, entry] of this.#cache) if (now - entry.startedAt >= this.#cacheMs) this.#cache.delete(key);
  }
}
