// The IP weight spent on each Binance host, per counter and window, shared by
// every bot process on this database (they run on one host, so one IP address,
// which is what Binance counts). Each process checks and reserves a call's
// weight in its own memory first, with no await between (so its own calls
// cannot overshoot), then here, in one transaction, so that the processes
// together cannot: a call that would take a counter past its limit adds
// nothing and is refused. Binance's own figures from each answer raise a
// counter, never lower it. The Binance client reads it through its
// SharedWeightState interface; this module knows only hosts, counters and
// numbers.
import type { Database } from './database.ts';

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

export class HostWeights {
  constructor(private readonly db: Database) {}

  /** Adds every claim's cost, or (when one would pass its limit) nothing, naming the claim that did not fit. */
  reserve<Claim extends StoredWeightClaim>(host: string, claims: readonly Claim[]): Promise<{ readonly ok: true } | { readonly ok: false; readonly claim: Claim; readonly used: number }> {
    return this.db.transaction(async (tx) => {
      for (const claim of claims) {
        const used = await this.#usedIn(tx, host, claim.header, claim.window);
        // A call heavier than the whole limit could never be sent; Binance decides then (as the local budget does).
        if (claim.cost <= claim.limit && used + claim.cost > claim.limit) return { ok: false as const, claim, used };
      }
      for (const claim of claims) await this.#set(tx, host, claim.header, claim.window, (await this.#usedIn(tx, host, claim.header, claim.window)) + claim.cost);
      return { ok: true as const };
    });
  }

  /** Raises each counter to Binance's figure for its window (a later window replaces an older one). */
  async observe(host: string, reports: readonly StoredWeightReport[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const report of reports) {
        await tx.run(
          `INSERT INTO binance_host_weight (host, header, window_no, used) VALUES (?, ?, ?, ?)
           ON CONFLICT (host, header) DO UPDATE SET
             used = CASE WHEN excluded.window_no > window_no THEN excluded.used ELSE max(used, excluded.used) END,
             window_no = max(window_no, excluded.window_no)
           WHERE excluded.window_no >= window_no`,
          [host, report.header, report.window, report.used],
        );
      }
    });
  }

  /** Gives claims back (the call never reached Binance), in their window only. */
  async release(host: string, claims: readonly StoredWeightClaim[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const claim of claims) {
        await tx.run('UPDATE binance_host_weight SET used = max(0, used - ?) WHERE host = ? AND header = ? AND window_no = ?', [claim.cost, host, claim.header, claim.window]);
      }
    });
  }

  async #usedIn(tx: Pick<Database, 'get'>, host: string, header: string, window: number): Promise<number> {
    const row = await tx.get<{ window_no: number; used: number }>('SELECT window_no, used FROM binance_host_weight WHERE host = ? AND header = ?', [host, header]);
    return row !== undefined && row.window_no === window ? row.used : 0;
  }

  async #set(tx: Pick<Database, 'run'>, host: string, header: string, window: number, used: number): Promise<void> {
    await tx.run(
      `INSERT INTO binance_host_weight (host, header, window_no, used) VALUES (?, ?, ?, ?)
       ON CONFLICT (host, header) DO UPDATE SET window_no = excluded.window_no, used = excluded.used`,
      [host, header, window, used],
    );
  }
}
