// The emergency stop's state: one row while the bot is frozen, none otherwise.
// It is read inside the transactions that claim and send, so a freeze
// committed by any process is seen by every other one before it sends.
import type { Database, Queries } from './database.ts';

export interface FreezeState {
  readonly reason: string;
  readonly byId: string;
  readonly byTag: string;
  readonly since: number;
}

export class FreezeStore {
  constructor(private readonly db: Database) {}

  async current(q: Queries = this.db): Promise<FreezeState | undefined> {
    const row = await q.get<{ reason: string; by_id: string; by_tag: string; since: number }>('SELECT reason, by_id, by_tag, since FROM freeze WHERE id = 1');
    return row === undefined ? undefined : { reason: row.reason, byId: row.by_id, byTag: row.by_tag, since: row.since };
  }

  /** Engages the freeze; false when it already was (the first one stands). */
  async engage(tx: Queries, state: FreezeState): Promise<boolean> {
    const { changes } = await tx.run('INSERT INTO freeze (id, reason, by_id, by_tag, since) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING', [
      state.reason,
      state.byId,
      state.byTag,
      state.since,
    ]);
    return changes === 1;
  }

  /** Releases the freeze engaged at `since` (not a later one); false when that one is not engaged. */
  async release(tx: Queries, since: number): Promise<boolean> {
    const { changes } = await tx.run('DELETE FROM freeze WHERE id = 1 AND since = ?', [since]);
    return changes === 1;
  }
}
