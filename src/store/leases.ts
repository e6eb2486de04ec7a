// Leases: a job only one bot process may run at a time (the audit channel's
// poster), among every process sharing the database. The holder renews its
// lease before each step; when it stops renewing (stopped, hung, killed), any
// other process takes the lease over once it has run out. One conditional
// UPSERT decides, so two processes can never both hold it.
import type { Database } from './database.ts';

export class Leases {
  constructor(private readonly db: Database) {}

  /** Takes or renews `name` for `holder` until `now + ttlMs`; false while another holder's lease runs. */
  async hold(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const { changes } = await this.db.run(
      `INSERT INTO leases (name, holder, until_ms) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
       WHERE leases.holder = excluded.holder OR leases.until_ms <= ?`,
      [name, holder, now + ttlMs, now],
    );
    return changes === 1;
  }

  /** Gives `name` up (a clean stop), so another process need not wait for it to run out. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.run('DELETE FROM leases WHERE name = ? AND holder = ?', [name, holder]);
  }
}
