// The action log: one append-only row per event, each carrying the hash of the
// row before it (keyed with AUDIT_LOG_KEY when set: see log-chain.ts). Editing
// or deleting a row (around the triggers that forbid it) breaks the chain, and
// verify() names the first row where it breaks.
// With an audit channel, appendIn also queues the row for it (outbox.ts) in the
// same transaction, so the channel shows exactly what the log holds.
// The events a row may carry are rows of the log_events table (a foreign key),
// so a later migration adds one with a single INSERT; LOG_EVENTS is the same
// list for the compiler. The rows of access changes, proposals and the freeze
// are described in change-log.ts.
import type { Secret } from '../secret.ts';
import type { Database, Queries } from './database.ts';
import { GENESIS_HASH, HASH_SCHEMES, rowHash, sealRow, walkChain, type ChainedFields, type HashScheme } from './log-chain.ts';

export const LOG_EVENTS = [
  'requested',
  'invalid',
  'refused',
  'confirmed',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'sent',
  'outcome',
  'grant',
  'revoke',
  'policy',
  'proposed',
  'freeze',
  'unfreeze',
  'tamper',
  'startup',
  'shutdown',
  'key-check',
  'host-ban',
  'verified',
  'reconciled',
] as const;
export type LogEvent = (typeof LOG_EVENTS)[number];

/** What a caller records; everything but the event is optional. */
export interface LogEntry {
  readonly event: LogEvent;
  readonly actionId?: string | undefined;
  readonly actionKey?: string | undefined;
  readonly userId?: string | undefined;
  readonly userTag?: string | undefined;
  readonly guildId?: string | null | undefined;
  readonly channelId?: string | null | undefined;
  /** Validated parameters (JSON-encoded here). */
  readonly params?: unknown;
  /** The request as sent: family, method, path, parameter string; never a signature. */
  readonly request?: unknown;
  readonly outcomeKind?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly binanceCode?: number | undefined;
  /** Binance's answer body or error, already parsed. */
  readonly response?: unknown;
  readonly latencyMs?: number | undefined;
  readonly detail?: string | undefined;
  readonly dryRun?: boolean | undefined;
}

/** A stored row: the chained fields, its scheme and its hash. */
export interface LogRow extends ChainedFields {
  readonly event: LogEvent;
  readonly hash_scheme: HashScheme;
  readonly hash: string;
}

export type ChainVerdict =
  | { readonly ok: true; readonly rows: number; readonly lastSeq: number }
  | { readonly ok: false; readonly rows: number; readonly seq: number; readonly reason: string };

/** A row as /audit lists it: with the Binance account it is about, when it names one. */
export interface AuditRow extends LogRow {
  /**
   * An action's rows: the account its hash-checked `requested` row names. Other rows: the
   * `account` of their params (access changes, proposals, key checks, refusals). Else null.
   */
  readonly account: string | null;
}

export interface RecentFilter {
  readonly userId?: string | undefined;
  readonly actionKey?: string | undefined;
  /** Only rows about this Binance account (`*`: access changes for every account). */
  readonly account?: string | undefined;
  /** Only rows up to this one (a stable first page while new rows arrive). */
  readonly maxSeq?: number | undefined;
  readonly limit: number;
}

/** Every column of a row, in the order the log reads and writes them. */
export const LOG_COLUMNS =
  'seq, at_ms, event, action_id, action_key, user_id, user_tag, guild_id, channel_id, params_json, request_json, ' +
  'outcome_kind, http_status, binance_code, response_json, latency_ms, detail, dry_run, prev_hash, hash_scheme, hash';

/**
 * The account a row is about (AuditRow.account): an action's rows look up its
 * `requested` row by action_id (indexed); json_valid keeps a malformed cell
 * (written around the bot) from failing the whole query.
 */
const ACCOUNT_OF_ROW = `COALESCE(
  (SELECT CASE WHEN json_valid(r.request_json) THEN json_extract(r.request_json, '$.account') END
     FROM action_log r WHERE r.action_id = action_log.action_id AND r.event = 'requested' ORDER BY r.seq LIMIT 1),
  CASE WHEN json_valid(params_json) THEN COALESCE(json_extract(params_json, '$.account'), json_extract(params_json, '$.change.account')) END)`;

export class ActionLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
    /** Marks every row this writer appends as written in dry-run mode. */
    private readonly dryRun = false,
    /** AUDIT_LOG_KEY: rows are HMAC-chained under it; without it, plain SHA-256. */
    private readonly key: Secret | undefined = undefined,
    /** With an audit channel: every row is queued for it in the row's own transaction. */
    private readonly mirror: { mirrorIn(tx: Queries, row: LogRow): Promise<void> } | undefined = undefined,
  ) {}

  /** Appends one event; committed (and synced to disk) when the promise resolves. */
  append(entry: LogEntry): Promise<LogRow> {
    return this.db.transaction((tx) => this.appendIn(tx, entry));
  }

  /** Appends inside a caller's transaction, so a state change and its log row commit together. */
  async appendIn(tx: Queries, entry: LogEntry): Promise<LogRow> {
    const last = await tx.get<{ seq: number; hash: string }>('SELECT seq, hash FROM action_log ORDER BY seq DESC LIMIT 1');
    // Continue after the highest number ever issued, so a deleted tail stays a visible gap.
    const issued = await tx.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'action_log'");
    const row = {
      seq: Math.max(last?.seq ?? 0, issued?.seq ?? 0) + 1,
      at_ms: this.now(),
      event: entry.event,
      action_id: entry.actionId ?? null,
      action_key: entry.actionKey ?? null,
      user_id: entry.userId ?? null,
      user_tag: entry.userTag ?? null,
      guild_id: entry.guildId ?? null,
      channel_id: entry.channelId ?? null,
      params_json: toJson(entry.params),
      request_json: toJson(entry.request),
      outcome_kind: entry.outcomeKind ?? null,
      http_status: entry.httpStatus ?? null,
      binance_code: entry.binanceCode ?? null,
      response_json: toJson(entry.response),
      latency_ms: entry.latencyMs ?? null,
      detail: entry.detail ?? null,
      dry_run: entry.dryRun === true || this.dryRun ? (1 as const) : (0 as const),
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const complete: LogRow = { ...row, ...sealRow(row, this.key) };
    await tx.run(
      `INSERT INTO action_log (${LOG_COLUMNS}) VALUES (${LOG_COLUMNS.split(',').map(() => '?').join(', ')})`,
      [
        complete.seq,
        complete.at_ms,
        complete.event,
        complete.action_id,
        complete.action_key,
        complete.user_id,
        complete.user_tag,
        complete.guild_id,
        complete.channel_id,
        complete.params_json,
        complete.request_json,
        complete.outcome_kind,
        complete.http_status,
        complete.binance_code,
        complete.response_json,
        complete.latency_ms,
        complete.detail,
        complete.dry_run,
        complete.prev_hash,
        complete.hash_scheme,
        complete.hash,
      ],
    );
    await this.mirror?.mirrorIn(tx, complete);
    return complete;
  }

  /** The latest rows, newest first, optionally for one user, action key and/or account. */
  recent(filter: RecentFilter): Promise<AuditRow[]> {
    // Only the conditions that apply, so SQLite can walk the (user_id, seq) or
    // (action_key, seq) index backwards instead of scanning the table.
    const conditions: string[] = [];
    const params: Array<string | number> = [];
    const onlyIf = (condition: string, value: string | number | undefined) => {
      if (value === undefined) return;
      conditions.push(condition);
      params.push(value);
    };
    onlyIf('user_id = ?', filter.userId);
    onlyIf('action_key = ?', filter.actionKey);
    onlyIf('seq <= ?', filter.maxSeq);
    // Last, so the cheap conditions are tested first on each row. Walking seq backwards, it stops at
    // `limit` matches: an account with many rows answers at once; one with few reads most of the log.
    onlyIf(`${ACCOUNT_OF_ROW} = ?`, filter.account);
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    return this.db.all<AuditRow>(`SELECT ${LOG_COLUMNS}, ${ACCOUNT_OF_ROW} AS account FROM action_log ${where} ORDER BY seq DESC LIMIT ?`, [...params, filter.limit]);
  }

  /** The "sent" row of an action, read inside a caller's transaction. */
  sentRowIn(tx: Queries, actionId: string): Promise<Pick<LogRow, 'user_id' | 'user_tag'> | undefined> {
    return tx.get<Pick<LogRow, 'user_id' | 'user_tag'>>("SELECT user_id, user_tag FROM action_log WHERE action_id = ? AND event = 'sent' LIMIT 1", [actionId]);
  }

  /**
   * Every row about one action, read in `q`, each checked against its own hash
   * with this log's key. When the log is keyed, each row must be keyed too: a
   * row written by someone without the key could otherwise pass as a plain one.
   * The rows, or the first that fails: what a click may trust of the log.
   */
  async checkedRowsOf(q: Queries, actionId: string): Promise<{ readonly ok: true; readonly rows: LogRow[] } | { readonly ok: false; readonly seq: number; readonly reason: string }> {
    const rows = await q.all<LogRow>(`SELECT ${LOG_COLUMNS} FROM action_log WHERE action_id = ? ORDER BY seq`, [actionId]);
    // Each row's neighbours in the chain, in one read.
    const around = rows.flatMap((row) => [row.seq - 1, row.seq + 1]);
    const links = around.length === 0 ? [] : await q.all<{ seq: number; prev_hash: string; hash: string }>(`SELECT seq, prev_hash, hash FROM action_log WHERE seq IN (${around.map(() => '?').join(', ')})`, around);
    for (const row of rows) {
      if (!(HASH_SCHEMES as readonly string[]).includes(row.hash_scheme)) return { ok: false, seq: row.seq, reason: `its hash scheme is not one the bot writes` };
      if (this.key !== undefined && row.hash_scheme !== 'hmac-sha256') return { ok: false, seq: row.seq, reason: `it is not keyed (${row.hash_scheme}) although the log is` };
      if (rowHash(row, row.hash_scheme, this.key) !== row.hash) return { ok: false, seq: row.seq, reason: 'its contents do not match its hash' };
      // Its place in the chain too: a plain row rewritten (its own hash recomputed) no longer links to its neighbours.
      const before = links.find((link) => link.seq === row.seq - 1);
      const after = links.find((link) => link.seq === row.seq + 1);
      if ((before?.hash ?? (row.seq === 1 ? GENESIS_HASH : undefined)) !== row.prev_hash) return { ok: false, seq: row.seq, reason: `it does not follow row ${row.seq - 1} in the chain (rows were removed or rewritten)` };
      if (after !== undefined && after.prev_hash !== row.hash) return { ok: false, seq: row.seq, reason: `row ${after.seq} does not follow it in the chain (it was rewritten)` };
    }
    return { ok: true, rows };
  }

  /** Every row about one pending action, oldest first. */
  forAction(actionId: string): Promise<LogRow[]> {
    return this.db.all<LogRow>(`SELECT ${LOG_COLUMNS} FROM action_log WHERE action_id = ? ORDER BY seq`, [actionId]);
  }

  /**
   * Outcomes still UNKNOWN that a person must check in Binance: an `outcome`
   * row of kind unknown, newest first.
   */
  unknownOutcomes(limit: number): Promise<LogRow[]> {
    return this.db.all<LogRow>(
      `SELECT ${LOG_COLUMNS} FROM action_log WHERE event = 'outcome' AND outcome_kind = 'unknown' ORDER BY seq DESC LIMIT ?`,
      [limit],
    );
  }

  /** Walks the whole chain (with this log's key); the first row that doesn't fit is named. */
  async verify(pageSize = 2_000): Promise<ChainVerdict> {
    const report = await walkChain(this.db, this.key, pageSize);
    if (report.failure !== undefined) return { ok: false, rows: report.rows, seq: report.failure.seq, reason: report.failure.reason };
    if (report.uncheckedKeyed > 0) {
      return {
        ok: false,
        rows: report.rows,
        seq: report.firstKeyedSeq ?? report.lastSeq,
        reason: `${report.uncheckedKeyed} rows are keyed with AUDIT_LOG_KEY and cannot be checked without it`,
      };
    }
    return { ok: true, rows: report.rows, lastSeq: report.lastSeq };
  }

  /**
   * Refuses to write under the wrong key: the newest row, if keyed, must verify
   * under this log's key. Rows written without the key (or under another one)
   * after keyed rows would make the whole chain fail verification from there on.
   * With a key, a log that holds rows and whose head is not keyed is refused
   * too: that is what a keyed log recomputed whole without its key looks like
   * (every row relabelled plain), and nothing in the database can tell it from
   * a log that was never keyed. Only the operator can: `adoptAt` (from
   * AUDIT_LOG_KEY_ADOPT) names the head they adopt the key on; it counts only
   * while that row is still the head.
   */
  async assertKeyFits(adoptAt?: { readonly seq: number; readonly hash: string }): Promise<void> {
    const head = await this.db.get<LogRow>(`SELECT ${LOG_COLUMNS} FROM action_log ORDER BY seq DESC LIMIT 1`);
    if (head === undefined) return;
    if (head.hash_scheme !== 'hmac-sha256') {
      if (this.key === undefined || (adoptAt?.seq === head.seq && adoptAt.hash === head.hash)) return;
      throw new Error(
        `AUDIT_LOG_KEY is set, but the action log's newest row (row ${head.seq}) is not keyed. If the bot ran with this key before, the log was rewritten without it: ` +
          'do not start; check a copy with npm run verify-log and the anchors from the audit channel. If you are adding AUDIT_LOG_KEY to a bot that ran without one, ' +
          `start it once with AUDIT_LOG_KEY_ADOPT=${head.seq}:${head.hash} (the log's head now): the rows from the next one on are keyed.`,
      );
    }
    if (this.key === undefined) {
      throw new Error(
        `the action log is keyed (row ${head.seq} was written with AUDIT_LOG_KEY), but AUDIT_LOG_KEY is not set: set it to the same key, or every new row would break the chain`,
      );
    }
    if (sealRow(head, this.key).hash !== head.hash) {
      throw new Error(
        `AUDIT_LOG_KEY does not verify the newest row of the action log (row ${head.seq}): it is not the key the log was written with, or that row was altered. Set the key the bot used, then run npm run verify-log`,
      );
    }
  }
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
