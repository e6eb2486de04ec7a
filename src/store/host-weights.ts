// The IP weight spent on each Binance host, per counter and window, shared by
// every bot process on this database (they run on one host, so one IP address,
// which is what Binance counts). Each process checks and reserves a call's
// weight in its own memory first, with no await between (so its own calls
// cannot overshoot), then here, in one transaction, so that the processes
// together cannot: a call that would take a counter past its limit adds
// nothing and is refused. As in the local budget, a counter is Binance's
// latest figure plus the calls reserved and not yet answered; an answer's
// figure replaces the call's estimate, a call with no answer stays counted.
// The Binance client reads it through its SharedWeightState interface; this
// module knows only hosts, counters and numbers. Its commits are not synced to
// disk (a power cut may lose a counter, which the next answer restores): it
// must not add an fsync to the path of every request.
import type { Database, Queries } from './database.ts';

/** A call's cost on one counter in one window. */
export interface StoredWeightClaim {
  readonly header: string;
  readonly window: number;
  readonly cost: number;
  readonly limit: number;
}

/** Binance's own figure for a counter in a window. */
export interface StoredWeightReport {
  readonly header: string;
  readonly window: number;
  readonly used: number;
}

interface Counter {
  readonly reported: number;
  readonly inFlight: number;
}

export class HostWeights {
  constructor(private readonly db: Database) {}

  /** Adds every claim's cost to the calls in flight, or (when one would pass its limit) nothing, naming the claim that did not fit. */
  reserve<Claim extends StoredWeightClaim>(host: string, claims: readonly Claim[]): Promise<{ readonly ok: true } | { readonly ok: false; readonly claim: Claim; readonly used: number }> {
    return this.db.transactionUnsynced(async (tx) => {
      for (const claim of claims) {
        const counter = await this.#counter(tx, host, claim.header, claim.window);
        const used = counter.reported + counter.inFlight;
        // A call heavier than the whole limit could never be sent; Binance decides then (as the local budget does).
        if (claim.cost <= claim.limit && used + claim.cost > claim.limit) return { ok: false as const, claim, used };
      }
      for (const claim of claims) {
        const counter = await this.#counter(tx, host, claim.header, claim.window);
        await this.#put(tx, host, claim.header, claim.window, { reported: counter.reported, inFlight: counter.inFlight + claim.cost });
      }
      return { ok: true as const };
    });
  }

  /**
   * A reserved call reached Binance: its cost leaves the calls in flight, and
   * Binance's figures (when it answered) raise the counters; without an answer
   * (a timeout) its cost stays counted, since Binance counted it.
   */
  async settle(host: string, claims: readonly StoredWeightClaim[], reports: readonly StoredWeightReport[] | undefined): Promise<void> {
    await this.db.transactionUnsynced(async (tx) => {
      for (const claim of claims) {
        const counter = await this.#counter(tx, host, claim.header, claim.window);
        const report = reports?.find((candidate) => candidate.header === claim.header && candidate.window === claim.window);
        const reported = reports === undefined ? counter.reported + claim.cost : Math.max(counter.reported, report?.used ?? 0);
        await this.#put(tx, host, claim.header, claim.window, { reported, inFlight: Math.max(0, counter.inFlight - claim.cost) });
      }
      // A figure for a counter the call did not claim (Binance reports them all) raises it too.
      for (const report of reports ?? []) {
        if (claims.some((claim) => claim.header === report.header)) continue;
        const counter = await this.#counter(tx, host, report.header, report.window);
        if (report.used > counter.reported) await this.#put(tx, host, report.header, report.window, { ...counter, reported: report.used });
      }
    });
  }

  /** Gives claims back: the call never reached Binance. */
  async release(host: string, claims: readonly StoredWeightClaim[]): Promise<void> {
    await this.db.transactionUnsynced(async (tx) => {
      for (const claim of claims) {
        const counter = await this.#counter(tx, host, claim.header, claim.window);
        await this.#put(tx, host, claim.header, claim.window, { ...counter, inFlight: Math.max(0, counter.inFlight - claim.cost) });
      }
    });
  }

  /** A counter in `window`: what is stored for it, or nothing yet (a new window starts from nothing; an older one is not written). */
  async #counter(tx: Queries, host: string, header: string, window: number): Promise<Counter & { readonly stale: boolean }> {
    const row = await tx.get<{ window_no: number; reported: number; in_flight: number }>('SELECT window_no, reported, in_flight FROM binance_host_weight WHERE host = ? AND header = ?', [
      host,
      header,
    ]);
    if (row === undefined || row.window_no < window) return { reported: 0, inFlight: 0, stale: false };
    if (row.window_no > window) return { reported: 0, inFlight: 0, stale: true };
    return { reported: row.reported, inFlight: row.in_flight, stale: false };
  }

  async #put(tx: Queries, host: string, header: string, window: number, counter: Counter & { readonly stale?: boolean }): Promise<void> {
    // A late answer from a window already over changes nothing: the counter has moved on.
    if (counter.stale === true) return;
    await tx.run(
      `INSERT INTO binance_host_weight (host, header, window_no, reported, in_flight) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (host, header) DO UPDATE SET window_no = excluded.window_no, reported = excluded.reported, in_flight = excluded.in_flight`,
      [host, header, window, counter.reported, counter.inFlight],
    );
  }
}
