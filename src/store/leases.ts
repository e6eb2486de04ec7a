// Leases: a job only one bot process may run at a time (the audit channel's
// poster), among every process sharing the database. The holder renews its
// lease before each step; when it stops renewing (stopped, hung, killed), any
// other process takes the lease over once it has run out. One conditional
// UPSERT decides, so two processes can never both hold it. A lease that runs
// longer than any the bot takes (a row planted to run for a thousand years,
// which would silence the audit channel) is not honoured: it is taken over at
// once, and the caller is told whose it was.
import type { Database } from './database.ts';

/** Whether the lease is held now, and the over-long lease it replaced, if it did. */
export interface LeaseResult {
  readonly held: boolean;
  readonly overlong?: { readonly holder: string; readonly untilMs: number } | undefined;
}

export class Leases {
  constructor(private readonly db: Database) {}

  /** Takes or renews `name` for `holder` until `now + ttlMs`; not held while another holder's lease (no longer than ttlMs) runs. */
  async hold(name: string, holder: string, ttlMs: number, now: number): Promise<LeaseResult> {
    return this.db.transaction(async (tx) => {
      const current = await tx.get<{ holder: string; until_ms: number }>('SELECT holder, until_ms FROM leases WHERE name = ?', [name]);
      const overlong = current !== undefined && current.holder !== holder && current.until_ms > now + ttlMs ? { holder: current.holder, untilMs: current.until_ms } : undefined;
      const { changes } = await tx.run(
        `INSERT INTO leases (name, holder, until_ms) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
         WHERE leases.holder = excluded.holder OR leases.until_ms <= ? OR leases.until_ms > ?`,
        [name, holder, now + ttlMs, now, now + ttlMs],
      );
      return { held: changes === 1, overlong };
    });
  }

  /** Gives `name` up (a clean stop), so another process need not wait for it to run out. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.run('DELETE FROM leases WHERE name = ? AND holder = ?', [name, holder]);
  }
}
