// The audit channel's outbox: what must be posted there, written in the SAME
// transaction as the log row it mirrors (ActionLog.appendIn calls mirrorIn),
// so nothing logged is missed and nothing unlogged is posted. Anchors (the
// chain head as `seq hash`) go through it too: every ANCHOR_EVERY_ROWS rows,
// when a start-up or a shutdown is logged, and at least every hour with
// activity. A poster (src/discord/audit-channel.ts) posts the entries strictly
// in id order; each carries a random nonce that Discord's `enforce_nonce` uses
// to return the message already created when a post is repeated after a crash.
// Knows nothing of Discord: an entry's body is the row's own columns.
//
// The outbox is a table like any other: someone who can write the file could
// edit an entry waiting through an outage, or plant a trigger that rewrites
// them as they are written. So what is posted is read back from the LOG at
// post time (next()): the row its entry names, checked against its hash and
// its place in the chain; an entry that no longer matches its row, or whose
// row fails the check, is posted as an alarm. Anchors are rebuilt the same
// way (the row's hash, a MAC under AUDIT_LOG_KEY), and what is already
// anchored is judged by anchors that match the log, so a planted entry can
// neither stop the anchors nor speak for the bot.
import { randomBytes } from 'node:crypto';
import type { Secret } from '../secret.ts';
import { LOG_COLUMNS, type LogRow } from './action-log.ts';
import { anchorMac } from './anchors.ts';
import type { Database, Queries } from './database.ts';
import { GENESIS_HASH, HASH_SCHEMES, rowHash, type HashScheme } from './log-chain.ts';

/** An anchor every this many rows (row 100, 200, …). */
export const ANCHOR_EVERY_ROWS = 100;
/** No row stays unanchored longer than this while the bot runs (checked every minute). */
export const ANCHOR_MAX_AGE_MS = 3_600_000;
/** Past this, a row no posted anchor covers means the anchors stopped (the poster stuck, or its entries planted): /status and health say so. */
export const ANCHOR_OVERDUE_MS = ANCHOR_MAX_AGE_MS + 15 * 60_000;

export type AnchorReason = 'rows' | 'hour' | 'startup' | 'shutdown';

/** The columns of a log row the audit channel shows: never a hash of the chain, never Binance's whole answer. */
export type MirroredRow = Pick<
  LogRow,
  | 'seq'
  | 'at_ms'
  | 'event'
  | 'action_id'
  | 'action_key'
  | 'user_id'
  | 'user_tag'
  | 'params_json'
  | 'request_json'
  | 'outcome_kind'
  | 'http_status'
  | 'binance_code'
  | 'latency_ms'
  | 'detail'
  | 'dry_run'
>;

export type OutboxBody =
  | { readonly kind: 'event'; readonly row: MirroredRow }
  | {
      readonly kind: 'anchor';
      readonly seq: number;
      readonly hash: string;
      readonly reason: AnchorReason;
      readonly rows: number;
      /** HMAC of the anchor under AUDIT_LOG_KEY (anchors.ts), when the log is keyed: the bot's own, not a typed look-alike. */
      readonly mac?: string | undefined;
    };

export interface OutboxEntry {
  readonly id: number;
  /** What to post, rebuilt from the log at post time (the stored body only where the log has nothing to say). */
  readonly body: OutboxBody;
  /** Why the entry cannot be posted as logged (its row missing or altered, the entry edited): posted as an alarm. */
  readonly problem: string | undefined;
  /** Discord's message nonce for this entry (at most 25 characters). */
  readonly nonce: string;
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastError: string | null;
}

/** What waits to be posted, for /status. */
export interface OutboxBacklog {
  readonly waiting: number;
  readonly oldestAt: number | undefined;
  /** The oldest entry's last failure, and how many times it was tried. */
  readonly lastError: string | null;
  readonly attempts: number;
  readonly lastPostedAt: number | undefined;
}

interface Row {
  id: number;
  kind: OutboxBody['kind'];
  seq: number;
  body_json: string;
  nonce: string;
  created_at: number;
  attempts: number;
  last_error: string | null;
}

/** What the anchors posted so far cover, for /status and `npm run health`. */
export interface AnchorStanding {
  /** The latest anchor posted (that matches the log): its row and when it was posted. */
  readonly lastPosted: { readonly seq: number; readonly at: number } | undefined;
  /** When the oldest row no posted anchor covers was written (undefined: every row is anchored). */
  readonly unanchoredSince: number | undefined;
}

/** Whether rows have waited for an anchor longer than the hourly anchor allows. */
export function anchorOverdue(standing: AnchorStanding, now: number): boolean {
  return standing.unanchoredSince !== undefined && now - standing.unanchoredSince > ANCHOR_OVERDUE_MS;
}

/** One line on an overdue anchor: what the last one covers and since when rows wait. */
export function overdueLine(standing: AnchorStanding): string {
  const last = standing.lastPosted === undefined ? 'no anchor has been posted yet' : `the last anchor posted covers row ${standing.lastPosted.seq} (posted ${new Date(standing.lastPosted.at).toISOString()})`;
  return `${last}, and rows written since ${new Date(standing.unanchoredSince ?? 0).toISOString()} are not anchored: the hourly anchor is overdue (is the audit poster stuck, or its entries altered?)`;
}

/** Posted anchors matching the log; an entry whose hash is not its row's is not one of the bot's. */
const MATCHING_ANCHORS = `FROM audit_outbox o JOIN action_log l ON l.seq = o.seq
  WHERE o.kind = 'anchor' AND json_extract(o.body_json, '$.hash') = l.hash`;

export class AuditOutbox {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
    /** AUDIT_LOG_KEY: anchors carry a MAC under it, and rows are checked with it. */
    private readonly key: Secret | undefined = undefined,
  ) {}

  /** Queues the post of a log row, in the row's own transaction; every ANCHOR_EVERY_ROWS rows, an anchor after it. */
  async mirrorIn(tx: Queries, row: LogRow): Promise<void> {
    await this.#insert(tx, 'event', row.seq, { kind: 'event', row: mirroredOf(row) });
    if (row.seq % ANCHOR_EVERY_ROWS === 0) await this.#insert(tx, 'anchor', row.seq, this.#anchor(row, 'rows', row.seq));
  }

  /**
   * Anchors the chain head now, unless it is anchored already (or the log is
   * empty). With `olderThanMs`, only when the oldest row not yet anchored was
   * written at least that long ago (the hourly anchor). Returns the anchored seq.
   */
  anchorHead(reason: AnchorReason, olderThanMs?: number): Promise<number | undefined> {
    return this.db.transaction(async (tx) => {
      const head = await tx.get<{ seq: number; hash: string }>('SELECT seq, hash FROM action_log ORDER BY seq DESC LIMIT 1');
      if (head === undefined) return undefined;
      // Only anchors of rows the log holds, with their hash: a planted entry (row 999999999, say) anchors nothing.
      const anchored = (await tx.get<{ seq: number | null }>(`SELECT MAX(o.seq) AS seq ${MATCHING_ANCHORS}`))?.seq ?? 0;
      if (head.seq <= anchored) return undefined;
      if (olderThanMs !== undefined) {
        const oldest = await tx.get<{ at_ms: number }>('SELECT at_ms FROM action_log WHERE seq > ? ORDER BY seq LIMIT 1', [anchored]);
        if (oldest === undefined || this.now() - oldest.at_ms < olderThanMs) return undefined;
      }
      const rows = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM action_log'))?.n ?? 0;
      await this.#insert(tx, 'anchor', head.seq, this.#anchor(head, reason, rows));
      return head.seq;
    });
  }

  /**
   * The oldest entry not posted yet (the only one a poster may post next),
   * rebuilt from the log row it names: what the channel shows is what the log
   * holds, whatever was done to the entry.
   */
  async next(): Promise<OutboxEntry | undefined> {
    const row = await this.db.get<Row>('SELECT id, kind, seq, body_json, nonce, created_at, attempts, last_error FROM audit_outbox WHERE posted_at IS NULL ORDER BY id LIMIT 1');
    if (row === undefined) return undefined;
    const stored = parseBody(row.body_json);
    const entry = { id: row.id, nonce: row.nonce, createdAt: row.created_at, attempts: row.attempts, lastError: row.last_error };
    const logged = await this.db.get<LogRow>(`SELECT ${LOG_COLUMNS} FROM action_log WHERE seq = ?`, [row.seq]);
    if (logged === undefined) {
      const body = stored ?? { kind: 'event' as const, row: { ...EMPTY_ROW, seq: row.seq } };
      return { ...entry, body, problem: `row ${row.seq} of the action log is missing (deleted)` };
    }
    const rowProblem = await this.#checkRow(logged);
    const body: OutboxBody =
      row.kind === 'anchor' ? this.#anchor(logged, stored?.kind === 'anchor' ? stored.reason : 'rows', stored?.kind === 'anchor' ? stored.rows : row.seq) : { kind: 'event', row: mirroredOf(logged) };
    const edited = stored === undefined || JSON.stringify(stored) !== JSON.stringify(body) ? `its outbox entry was altered in the database (posted as the log holds it)` : undefined;
    return { ...entry, body, problem: rowProblem ?? edited };
  }

  /** What the posted anchors cover (only anchors that match the log count). */
  async anchorStanding(): Promise<AnchorStanding> {
    const last = await this.db.get<{ seq: number; at: number }>(`SELECT o.seq AS seq, o.posted_at AS at ${MATCHING_ANCHORS} AND o.posted_at IS NOT NULL ORDER BY o.seq DESC LIMIT 1`);
    const oldest = await this.db.get<{ at_ms: number }>('SELECT at_ms FROM action_log WHERE seq > ? ORDER BY seq LIMIT 1', [last?.seq ?? 0]);
    return { lastPosted: last, unanchoredSince: oldest?.at_ms };
  }

  /** Marks an entry posted (once: a repeated post that Discord answered with the same message changes nothing). */
  async markPosted(id: number, messageId: string): Promise<boolean> {
    const { changes } = await this.db.run('UPDATE audit_outbox SET posted_at = ?, message_id = ?, last_error = NULL WHERE id = ? AND posted_at IS NULL', [
      this.now(),
      messageId,
      id,
    ]);
    return changes === 1;
  }

  /** Records why a post failed; the entry stays first in line. */
  async recordFailure(id: number, error: string): Promise<void> {
    await this.db.run('UPDATE audit_outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ? WHERE id = ?', [error.slice(0, 300), this.now(), id]);
  }

  async backlog(): Promise<OutboxBacklog> {
    const waiting = await this.db.get<{ n: number; oldest: number | null }>('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM audit_outbox WHERE posted_at IS NULL');
    const first = await this.next();
    const posted = await this.db.get<{ at: number | null }>('SELECT MAX(posted_at) AS at FROM audit_outbox');
    return {
      waiting: waiting?.n ?? 0,
      oldestAt: waiting?.oldest ?? undefined,
      lastError: first?.lastError ?? null,
      attempts: first?.attempts ?? 0,
      lastPostedAt: posted?.at ?? undefined,
    };
  }

  /** Forgets event entries posted before `before` (the log keeps every row, the channel every post; anchors are kept: they say what is anchored). */
  async prunePosted(before: number): Promise<void> {
    await this.db.run("DELETE FROM audit_outbox WHERE kind = 'event' AND posted_at IS NOT NULL AND posted_at < ?", [before]);
  }

  /** An anchor of `row`, with its MAC when the log is keyed. */
  #anchor(row: Pick<LogRow, 'seq' | 'hash'>, reason: AnchorReason, rows: number): Extract<OutboxBody, { kind: 'anchor' }> {
    const anchor = { seq: row.seq, hash: row.hash };
    return { kind: 'anchor', ...anchor, reason, rows, ...(this.key === undefined ? {} : { mac: anchorMac(anchor, this.key) }) };
  }

  /** Why a row cannot be posted as the bot's: its hash (keyed under a keyed log) or its link to the row before. */
  async #checkRow(row: LogRow): Promise<string | undefined> {
    const scheme = row.hash_scheme;
    if (!(HASH_SCHEMES as readonly string[]).includes(scheme)) return `row ${row.seq} of the action log names a hash scheme the bot does not write`;
    if (this.key !== undefined && scheme !== 'hmac-sha256' && (await this.db.get("SELECT 1 FROM action_log WHERE seq < ? AND hash_scheme = 'hmac-sha256' LIMIT 1", [row.seq])) !== undefined) {
      return `row ${row.seq} of the action log is not keyed although rows before it are (it was rewritten without the key)`;
    }
    const expected = rowHash(row, scheme as HashScheme, this.key);
    if (expected !== undefined && expected !== row.hash) return `row ${row.seq} of the action log does not match its hash (it was edited)`;
    const before = await this.db.get<{ hash: string }>('SELECT hash FROM action_log WHERE seq = ?', [row.seq - 1]);
    if ((before?.hash ?? (row.seq === 1 ? GENESIS_HASH : undefined)) !== row.prev_hash) return `row ${row.seq} of the action log does not follow row ${row.seq - 1} (rows were removed or rewritten)`;
    return undefined;
  }

  async #insert(tx: Queries, kind: OutboxBody['kind'], seq: number, body: OutboxBody): Promise<void> {
    await tx.run('INSERT INTO audit_outbox (kind, seq, body_json, nonce, created_at) VALUES (?, ?, ?, ?, ?)', [
      kind,
      seq,
      JSON.stringify(body),
      randomBytes(15).toString('base64url'),
      this.now(),
    ]);
  }
}

/** The columns of a row the channel shows. */
function mirroredOf(row: LogRow): MirroredRow {
  return {
    seq: row.seq,
    at_ms: row.at_ms,
    event: row.event,
    action_id: row.action_id,
    action_key: row.action_key,
    user_id: row.user_id,
    user_tag: row.user_tag,
    params_json: row.params_json,
    request_json: row.request_json,
    outcome_kind: row.outcome_kind,
    http_status: row.http_status,
    binance_code: row.binance_code,
    latency_ms: row.latency_ms,
    detail: row.detail,
    dry_run: row.dry_run,
  };
}

/** A row the log no longer has: only its number is known. */
const EMPTY_ROW: MirroredRow = {
  seq: 0,
  at_ms: 0,
  event: 'tamper',
  action_id: null,
  action_key: null,
  user_id: null,
  user_tag: null,
  params_json: null,
  request_json: null,
  outcome_kind: null,
  http_status: null,
  binance_code: null,
  latency_ms: null,
  detail: null,
  dry_run: 0,
};

function parseBody(json: string): OutboxBody | undefined {
  try {
    const body = JSON.parse(json) as OutboxBody | null;
    return body !== null && typeof body === 'object' && (body.kind === 'event' || body.kind === 'anchor') ? body : undefined;
  } catch {
    return undefined;
  }
}
