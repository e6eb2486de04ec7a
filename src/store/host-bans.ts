// Binance's waits (a 429's Retry-After, a 418 IP ban) per host, kept in SQLite
// so that every bot process on this database honours a wait any of them met.
// The Binance client reads it through its SharedBanState interface; this
// module knows only hosts, times and the two statuses.
import type { Database } from './database.ts';

export interface StoredHostBan {
  readonly host: string;
  /** Local epoch ms when calls may be sent again. */
  readonly until: number;
  readonly status: 429 | 418;
}

export class HostBans {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps the longer wait; a 418 is never downgraded by a 429 it outlasts. One statement, so two processes cannot interleave. */
  async record(ban: StoredHostBan): Promise<void> {
    await this.db.run(
      `INSERT INTO binance_host_bans (host, until_ms, status, recorded_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (host) DO UPDATE SET
         status = CASE
           WHEN excluded.until_ms > binance_host_bans.until_ms THEN excluded.status
           WHEN excluded.status = 418 THEN 418
           ELSE binance_host_bans.status END,
         until_ms = max(binance_host_bans.until_ms, excluded.until_ms),
         recorded_at = excluded.recorded_at`,
      [ban.host, ban.until, ban.status, this.now()],
    );
  }

  /** The wait still running on a host at local time `now`, whoever recorded it. */
  async current(host: string, now: number): Promise<StoredHostBan | undefined> {
    const row = await this.db.get<{ until_ms: number; status: 429 | 418 }>(
      'SELECT until_ms, status FROM binance_host_bans WHERE host = ? AND until_ms > ?',
      [host, now],
    );
    return row === undefined ? undefined : { host, until: row.until_ms, status: row.status };
  }
}
