// Refusals and invalid input from people who hold no grant, counted per user
// and minute: no text of theirs is stored, no log row is written, nothing is
// posted. Counts gather in memory and are written at most once a second (one
// transaction for all of them), so a flood of junk costs the disk one small
// write a second, not one fsync per message. A crash loses at most that
// second's counts, which is what counting noise is worth.
import type { Database } from './database.ts';

export type RefusalKind = 'refused' | 'invalid';

/** One user's counts over a period. */
export interface RefusalTally {
  readonly userId: string;
  readonly refused: number;
  readonly invalid: number;
}

const FLUSH_AFTER_MS = 1_000;
/** Counts older than this are forgotten. */
const KEEP_MINUTES = 30 * 24 * 60;

export class RefusalCounts {
  readonly #pending = new Map<string, { userId: string; minute: number; kind: RefusalKind; count: number }>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one refusal or invalid input of `userId` now; written within a second. */
  count(userId: string, kind: RefusalKind): void {
    const minute = Math.floor(this.now() / 60_000);
    const key = `${userId}:${minute}:${kind}`;
    const entry = this.#pending.get(key) ?? { userId, minute, kind, count: 0 };
    entry.count += 1;
    this.#pending.set(key, entry);
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  /** Writes what was counted since the last flush, in one transaction. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    const write = async () => {
      if (batch.length === 0) return;
      await this.db.transaction(async (tx) => {
        for (const entry of batch) {
          await tx.run(
            `INSERT INTO refusal_counts (user_id, minute, kind, count) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, minute, kind) DO UPDATE SET count = count + excluded.count`,
            [entry.userId, entry.minute, entry.kind, entry.count],
          );
        }
        await tx.run('DELETE FROM refusal_counts WHERE minute < ?', [Math.floor(this.now() / 60_000) - KEEP_MINUTES]);
      });
    };
    this.#flushing = this.#flushing.then(write, write);
    return this.#flushing;
  }

  /** Each user's counts since `since` (epoch ms), the most refused first. */
  async since(since: number): Promise<RefusalTally[]> {
    const rows = await this.db.all<{ user_id: string; refused: number; invalid: number }>(
      `SELECT user_id, SUM(CASE WHEN kind = 'refused' THEN count ELSE 0 END) AS refused, SUM(CASE WHEN kind = 'invalid' THEN count ELSE 0 END) AS invalid
       FROM refusal_counts WHERE minute >= ? GROUP BY user_id ORDER BY SUM(count) DESC, user_id`,
      [Math.floor(since / 60_000)],
    );
    return rows.map((row) => ({ userId: row.user_id, refused: row.refused, invalid: row.invalid }));
  }
}
