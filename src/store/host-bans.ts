// Binance's waits (a 429's Retry-After, a 418 IP ban) per host, kept in SQLite
// so that every bot process on this database honours a wait any of them met.
// Each wait is also a `host-ban` row of the action log (and so a post in the
// audit channel): a row of binance_host_bans can be deleted by anyone who can
// write the file, a row of the log cannot without breaking the chain, so a
// process that never met the ban still honours it after the table's row is
// gone. The Binance client reads it through its SharedBanState interface;
// this module knows only hosts, times and the two statuses.
import { z } from 'zod';
import { parseJsonText } from '../json-text.ts';
import type { ActionLog } from './action-log.ts';
import type { Database } from './database.ts';

export interface StoredHostBan {
  readonly host: string;
  /** Local epoch ms when calls may be sent again. */
  readonly until: number;
  readonly status: 429 | 418;
}

/** The params of a `host-ban` row. */
const hostBanParams = z.object({ host: z.string(), until: z.number(), status: z.union([z.literal(429), z.literal(418)]) });
/** The latest waits the log is read for: far more than the hosts the bot calls. */
const RECENT_BANS = 50;

export class HostBans {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
    /** Where each wait is also logged (undefined: the table only). */
    private readonly log: ActionLog | undefined = undefined,
  ) {}

  /** Keeps the longer wait (a 418 is never downgraded by a 429 it outlasts) and logs it, in one transaction. */
  async record(ban: StoredHostBan): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(
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
      await this.log?.appendIn(tx, {
        event: 'host-ban',
        params: { host: ban.host, until: ban.until, status: ban.status },
        detail: `HTTP ${ban.status} from ${ban.host}: ${ban.status === 418 ? 'Binance BANNED this IP address' : 'too many requests'}; nothing is sent to it until ${new Date(ban.until).toISOString()}`,
      });
    });
  }

  /** The wait still running on a host at local time `now`, whoever recorded it: the table's, or the log's when longer. */
  async current(host: string, now: number): Promise<StoredHostBan | undefined> {
    const row = await this.db.get<{ until_ms: number; status: 429 | 418 }>('SELECT until_ms, status FROM binance_host_bans WHERE host = ? AND until_ms > ?', [host, now]);
    const table: StoredHostBan | undefined = row === undefined ? undefined : { host, until: row.until_ms, status: row.status };
    const logged = (await this.db.all<{ params_json: string | null }>("SELECT params_json FROM action_log WHERE event = 'host-ban' ORDER BY seq DESC LIMIT ?", [RECENT_BANS]))
      .reverse()
      .map((entry) => hostBanParams.safeParse(parseJsonText(entry.params_json)))
      .flatMap((parsed) => (parsed.success && parsed.data.host === host ? [parsed.data] : []))
      .reduce<StoredHostBan | undefined>(merge, undefined);
    const held = [table, logged].reduce<StoredHostBan | undefined>((held, ban) => (ban === undefined ? held : merge(held, ban)), undefined);
    return held !== undefined && held.until > now ? { host, until: held.until, status: held.status } : undefined;
  }
}

/** The wait after `next` is recorded over `held`, as record() keeps it: the longer wait, and a 418 never downgraded by a 429 it outlasts. */
function merge(held: StoredHostBan | undefined, next: StoredHostBan): StoredHostBan {
  if (held === undefined) return next;
  const status = next.until > held.until ? next.status : next.status === 418 ? 418 : held.status;
  return { host: next.host, until: Math.max(held.until, next.until), status };
}
