// The audit channel's outbox: what must be posted there, written in the SAME
// transaction as the log row it mirrors (ActionLog.appendIn calls mirrorIn),
// so nothing logged is missed and nothing unlogged is posted. Anchors (the
// chain head as `seq hash`) go through it too: every ANCHOR_EVERY_ROWS rows,
// when a start-up or a shutdown is logged, and at least every hour with
// activity. A poster (src/discord/audit-channel.ts) posts the entries strictly
// in id order; each carries a random nonce that Discord's `enforce_nonce` uses
// to return the message already created when a post is repeated after a crash.
// Knows nothing of Discord: an entry's body is the row's own columns.
import { randomBytes } from 'node:crypto';
import type { LogRow } from './action-log.ts';
import type { Database, Queries } from './database.ts';

/** An anchor every this many rows (row 100, 200, …). */
export const ANCHOR_EVERY_ROWS = 100;
/** No row stays unanchored longer than this while the bot runs (checked every minute). */
export const ANCHOR_MAX_AGE_MS = 3_600_000;

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
  | { readonly kind: 'anchor'; readonly seq: number; readonly hash: string; readonly reason: AnchorReason; readonly rows: number };

export interface OutboxEntry {
  readonly id: number;
  readonly body: OutboxBody;
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
  body_json: string;
  nonce: string;
  created_at: number;
  attempts: number;
  last_error: string | null;
}

export class AuditOutbox {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues the post of a log row, in the row's own transaction; every ANCHOR_EVERY_ROWS rows, an anchor after it. */
  async mirrorIn(tx: Queries, row: LogRow): Promise<void> {
    const mirrored: MirroredRow = {
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
    await this.#insert(tx, 'event', row.seq, { kind: 'event', row: mirrored });
    if (row.seq % ANCHOR_EVERY_ROWS === 0) await this.#insert(tx, 'anchor', row.seq, { kind: 'anchor', seq: row.seq, hash: row.hash, reason: 'rows', rows: row.seq });
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
      const anchored = (await tx.get<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM audit_outbox WHERE kind = 'anchor'"))?.seq ?? 0;
      if (head.seq <= anchored) return undefined;
      if (olderThanMs !== undefined) {
        const oldest = await tx.get<{ at_ms: number }>('SELECT at_ms FROM action_log WHERE seq > ? ORDER BY seq LIMIT 1', [anchored]);
        if (oldest === undefined || this.now() - oldest.at_ms < olderThanMs) return undefined;
      }
      const rows = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM action_log'))?.n ?? 0;
      await this.#insert(tx, 'anchor', head.seq, { kind: 'anchor', seq: head.seq, hash: head.hash, reason, rows });
      return head.seq;
    });
  }

  /** The oldest entry not posted yet: the only one a poster may post next. */
  async next(): Promise<OutboxEntry | undefined> {
    const row = await this.db.get<Row>('SELECT id, body_json, nonce, created_at, attempts, last_error FROM audit_outbox WHERE posted_at IS NULL ORDER BY id LIMIT 1');
    return row === undefined
      ? undefined
      : { id: row.id, body: JSON.parse(row.body_json) as OutboxBody, nonce: row.nonce, createdAt: row.created_at, attempts: row.attempts, lastError: row.last_error };
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
