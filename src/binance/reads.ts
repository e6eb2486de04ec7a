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
import type { Said } from '../i18n/index.ts';
import type { BinanceClient } from './client.ts';
import { explainOutcome } from './explanations.ts';
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
  /** Nothing usable came back; `why` says so in an operator's words (in the reader's language where shown). */
  | { readonly kind: 'unavailable'; readonly why: Said };

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
    const { path } = request;
    const unavailable = (why: Said): ReadResult => ({ kind: 'unavailable', why });
    return outcome.then(
      (answered): ReadResult => {
        switch (answered.kind) {
          case 'success':
            return { kind: 'read', body: answered.body, at: this.#now() };
          case 'rejected': {
            const code = answered.code === undefined ? `HTTP ${answered.status}` : String(answered.code);
            return unavailable((t) => t.readBack.why.refused({ path, code, message: answered.message }));
          }
          case 'rate-limited': {
            const time = new Date(answered.retryAt).toISOString();
            return unavailable((t) => (answered.banned ? t.readBack.why.banned({ time }) : t.readBack.why.wait({ time })));
          }
          case 'unknown': {
            const { status, reason } = answered;
            if (reason === 'timeout') return unavailable((t) => t.readBack.why.timeout({ path }));
            return unavailable((t) => (status === undefined ? t.readBack.why.noAnswer({ path, reason }) : t.readBack.why.httpStatus({ path, status })));
          }
          case 'not-sent': {
            const why = explainOutcome(answered);
            return unavailable((t) => t.readBack.why.unreachable({ why: why(t) }));
          }
          case 'dry-run':
            // The client never holds back a GET in dry-run; should it ever, there is no state to show.
            return unavailable((t) => t.readBack.why.dryRun);
          default: {
            const unreachable: never = answered;
            return unreachable;
          }
        }
      },
      (error: unknown): ReadResult => {
        const message = error instanceof Error ? error.message : String(error);
        return unavailable((t) => t.readBack.why.failed({ path, error: message }));
      },
    );
  }

  /** Why a read of `weight` would break the reads' share of a counter, or undefined when it fits. */
  #overShare(family: Family, weight: Weight): Said | undefined {
    for (const usage of this.#client.usage(family)) {
      const counter = FAMILY_SPECS[family].counters.find((spec) => spec.header === usage.header);
      if (counter === undefined || usage.limit === undefined) continue;
      const cost = counter.cost(weight);
      if (cost === 0) continue;
      const own = this.#spentOn(family, usage.header, usage.windowEndsAt);
      const share = Math.floor(usage.limit * this.#share);
      const { header, limit, used } = usage;
      if (own + cost > share) return (t) => t.readBack.why.ownShare({ own, header, share, limit });
      const ceiling = limit - share;
      if (used + cost > ceiling) return (t) => t.readBack.why.ceiling({ header, used, limit, ceiling, share });
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
