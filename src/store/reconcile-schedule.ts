// UNKNOWN outcomes and what became of them. The log is the record: an
// `outcome` row of kind unknown, then `reconciled` rows (executed,
// not-executed, or still unknown) written by the reconciler or by a person.
// The schedule table is only the reconciler's work queue: when to read Binance
// back next for each open one. It survives restarts with the database, and
// every process can work it: each attempt is claimed with one conditional
// UPDATE, so no two processes read for the same attempt.
import type { Database, Queries } from './database.ts';

export const RECONCILE_STATES = ['open', 'executed', 'not-executed', 'gave-up'] as const;
export type ReconcileState = (typeof RECONCILE_STATES)[number];
/** A decision that closes an UNKNOWN outcome. */
export type Resolution = 'executed' | 'not-executed';
export type Verdict = Resolution | 'unknown';

export interface ScheduledCheck {
  readonly actionId: string;
  /** Local epoch ms when the request was sent (its `sent` row). */
  readonly sentAt: number;
  readonly attempts: number;
  readonly nextAt: number | null;
  readonly state: ReconcileState;
  readonly lastVerdict: Verdict | null;
  readonly lastEvidence: string | null;
  readonly lastAttemptAt: number | null;
}

/** An UNKNOWN outcome nobody has settled yet, for /status. */
export interface UnresolvedUnknown {
  readonly actionId: string;
  readonly actionKey: string | null;
  readonly requesterId: string | null;
  readonly requesterTag: string | null;
  readonly account: string | null;
  /** When the outcome was recorded (local epoch ms). */
  readonly at: number;
  readonly nextAt: number | null;
  readonly state: ReconcileState | null;
  readonly lastEvidence: string | null;
}

/** An earlier request of the same action and account that is in flight, UNKNOWN, or sent recently. */
export interface SameActionRow {
  readonly id: string;
  readonly requestJson: string;
  readonly state: string;
  readonly outcomeKind: string | null;
  readonly requesterTag: string;
  readonly claimedAt: number | null;
  readonly finishedAt: number | null;
}

interface ScheduleRow {
  action_id: string;
  sent_at: number;
  attempts: number;
  next_at: number | null;
  state: ReconcileState;
  last_verdict: Verdict | null;
  last_evidence: string | null;
  last_attempt_at: number | null;
}

const fromRow = (row: ScheduleRow): ScheduledCheck => ({
  actionId: row.action_id,
  sentAt: row.sent_at,
  attempts: row.attempts,
  nextAt: row.next_at,
  state: row.state,
  lastVerdict: row.last_verdict,
  lastEvidence: row.last_evidence,
  lastAttemptAt: row.last_attempt_at,
});

/** The action's outcome rows after which nothing newer arrived, and that no decision closed. */
const LATEST_UNKNOWN = `o.event = 'outcome' AND o.outcome_kind = 'unknown'
  AND NOT EXISTS (SELECT 1 FROM action_log l WHERE l.action_id = o.action_id AND l.event = 'outcome' AND l.seq > o.seq)`;
const UNDECIDED = `NOT EXISTS (SELECT 1 FROM action_log r WHERE r.action_id = o.action_id AND r.event = 'reconciled' AND r.outcome_kind IN ('executed', 'not-executed'))`;

export class ReconcileSchedule {
  constructor(private readonly db: Database) {}

  /**
   * Adds every undecided UNKNOWN outcome the schedule does not hold yet, its
   * first check `firstAfterMs` after it was sent (now, when that has passed).
   * Returns the action ids added.
   */
  async adoptUnknowns(now: number, firstAfterMs: number): Promise<string[]> {
    const rows = await this.db.all<{ action_id: string }>(
      `INSERT OR IGNORE INTO reconcile_schedule (action_id, sent_at, next_at)
       SELECT o.action_id, COALESCE(s.at_ms, o.at_ms), MAX(COALESCE(s.at_ms, o.at_ms) + ?, ?)
       FROM action_log o LEFT JOIN action_log s ON s.action_id = o.action_id AND s.event = 'sent'
       WHERE ${LATEST_UNKNOWN} AND o.action_id IS NOT NULL AND ${UNDECIDED}
         AND NOT EXISTS (SELECT 1 FROM reconcile_schedule c WHERE c.action_id = o.action_id)
       RETURNING action_id`,
      [firstAfterMs, now],
    );
    return rows.map((row) => row.action_id);
  }

  /** Checks due at `now`, oldest first. */
  async due(now: number, limit: number): Promise<ScheduledCheck[]> {
    const rows = await this.db.all<ScheduleRow>('SELECT * FROM reconcile_schedule WHERE next_at <= ? ORDER BY next_at LIMIT ?', [now, limit]);
    return rows.map(fromRow);
  }

  async get(actionId: string): Promise<ScheduledCheck | undefined> {
    const row = await this.db.get<ScheduleRow>('SELECT * FROM reconcile_schedule WHERE action_id = ?', [actionId]);
    return row === undefined ? undefined : fromRow(row);
  }

  /**
   * Takes the attempt due at `expectedNextAt` for `owner`, moving the next one
   * to `nextAt` (null: this is the last). False when another process took it.
   */
  async claim(actionId: string, expectedNextAt: number, nextAt: number | null, owner: string, now: number): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE reconcile_schedule SET next_at = ?, attempts = attempts + 1, claimed_by = ?, last_attempt_at = ?
       WHERE action_id = ? AND next_at = ? AND state = 'open'`,
      [nextAt, owner, now, actionId, expectedNextAt],
    );
    return changes === 1;
  }

  /** What the latest attempt saw (shown by /status while it stays open). */
  async note(actionId: string, verdict: Verdict, evidence: string): Promise<void> {
    await this.db.run('UPDATE reconcile_schedule SET last_verdict = ?, last_evidence = ? WHERE action_id = ?', [verdict, evidence, actionId]);
  }

  /** Closes an action's schedule in `tx` (the decision's own transaction); creates it closed when it was never scheduled. */
  async closeIn(tx: Queries, actionId: string, state: Exclude<ReconcileState, 'open'>, sentAt: number, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO reconcile_schedule (action_id, sent_at, next_at, state, last_attempt_at) VALUES (?, ?, NULL, ?, ?)
       ON CONFLICT (action_id) DO UPDATE SET next_at = NULL, state = excluded.state`,
      [actionId, sentAt, state, now],
    );
  }

  /** The decision that closed an action's UNKNOWN outcome, read in `q`. */
  async resolutionIn(q: Queries, actionId: string): Promise<{ readonly verdict: Resolution; readonly at: number; readonly seq: number } | undefined> {
    const row = await q.get<{ outcome_kind: Resolution; at_ms: number; seq: number }>(
      "SELECT outcome_kind, at_ms, seq FROM action_log WHERE action_id = ? AND event = 'reconciled' AND outcome_kind IN ('executed', 'not-executed') ORDER BY seq LIMIT 1",
      [actionId],
    );
    return row === undefined ? undefined : { verdict: row.outcome_kind, at: row.at_ms, seq: row.seq };
  }

  /** The action's latest outcome row (a late answer can follow an UNKNOWN one), read in `q`. */
  async latestOutcomeIn(q: Queries, actionId: string): Promise<{ readonly kind: string | null; readonly httpStatus: number | null; readonly detail: string | null } | undefined> {
    const row = await q.get<{ outcome_kind: string | null; http_status: number | null; detail: string | null }>(
      "SELECT outcome_kind, http_status, detail FROM action_log WHERE action_id = ? AND event = 'outcome' ORDER BY seq DESC LIMIT 1",
      [actionId],
    );
    return row === undefined ? undefined : { kind: row.outcome_kind, httpStatus: row.http_status, detail: row.detail };
  }

  /** How many `reconciled` rows still-unknown the action has (the first is logged, later ones only noted). */
  async stillUnknownRows(actionId: string): Promise<number> {
    const row = await this.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM action_log WHERE action_id = ? AND event = 'reconciled' AND outcome_kind = 'unknown'", [actionId]);
    return row?.n ?? 0;
  }

  /** UNKNOWN outcomes no decision has closed, newest first. */
  async unresolved(limit: number): Promise<UnresolvedUnknown[]> {
    const rows = await this.db.all<{
      action_id: string;
      action_key: string | null;
      at_ms: number;
      requester_id: string | null;
      requester_tag: string | null;
      account: string | null;
      next_at: number | null;
      state: ReconcileState | null;
      last_evidence: string | null;
    }>(
      `SELECT o.action_id, o.action_key, o.at_ms, p.requester_id, p.requester_tag, p.account, c.next_at, c.state, c.last_evidence
       FROM action_log o
       LEFT JOIN pending_actions p ON p.id = o.action_id
       LEFT JOIN reconcile_schedule c ON c.action_id = o.action_id
       WHERE ${LATEST_UNKNOWN} AND ${UNDECIDED}
       ORDER BY o.seq DESC LIMIT ?`,
      [limit],
    );
    return rows.map((row) => ({
      actionId: row.action_id,
      actionKey: row.action_key,
      requesterId: row.requester_id,
      requesterTag: row.requester_tag,
      account: row.account,
      at: row.at_ms,
      nextAt: row.next_at,
      state: row.state,
      lastEvidence: row.last_evidence,
    }));
  }

  /** How many UNKNOWN outcomes no decision has closed. */
  async unresolvedCount(): Promise<number> {
    const row = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM action_log o WHERE ${LATEST_UNKNOWN} AND ${UNDECIDED}`);
    return row?.n ?? 0;
  }

  /**
   * Other requests of `actionKey` on `account`, read in `q`, that are being
   * sent, ended UNKNOWN, or succeeded since `recentSince`, newest first. Three
   * lookups on one index, so a long history of successes is never scanned.
   */
  async sameActionsIn(q: Queries, query: { actionKey: string; account: string; excludeId: string; recentSince: number }): Promise<SameActionRow[]> {
    const rows = await q.all<{
      id: string;
      request_json: string;
      state: string;
      outcome_kind: string | null;
      requester_tag: string;
      claimed_at: number | null;
      finished_at: number | null;
    }>(
      `SELECT * FROM (
         SELECT id, request_json, state, outcome_kind, requester_tag, claimed_at, finished_at, created_at FROM pending_actions
           WHERE action_key = ?1 AND account = ?2 AND state = 'executing' AND id <> ?3
         UNION ALL
         SELECT id, request_json, state, outcome_kind, requester_tag, claimed_at, finished_at, created_at FROM pending_actions
           WHERE action_key = ?1 AND account = ?2 AND state = 'completed' AND outcome_kind = 'unknown' AND id <> ?3
         UNION ALL
         SELECT id, request_json, state, outcome_kind, requester_tag, claimed_at, finished_at, created_at FROM pending_actions
           WHERE action_key = ?1 AND account = ?2 AND state = 'completed' AND outcome_kind = 'success' AND finished_at >= ?4 AND id <> ?3)
       ORDER BY created_at DESC LIMIT 50`,
      [query.actionKey, query.account, query.excludeId, query.recentSince],
    );
    return rows.map((row) => ({
      id: row.id,
      requestJson: row.request_json,
      state: row.state,
      outcomeKind: row.outcome_kind,
      requesterTag: row.requester_tag,
      claimedAt: row.claimed_at,
      finishedAt: row.finished_at,
    }));
  }

  /** The `sent` row of an action: when, and the request as sent (without its signature). */
  async sentOf(actionId: string): Promise<{ readonly seq: number; readonly at: number; readonly requestJson: string | null } | undefined> {
    const row = await this.db.get<{ seq: number; at_ms: number; request_json: string | null }>(
      "SELECT seq, at_ms, request_json FROM action_log WHERE action_id = ? AND event = 'sent' ORDER BY seq LIMIT 1",
      [actionId],
    );
    return row === undefined ? undefined : { seq: row.seq, at: row.at_ms, requestJson: row.request_json };
  }

  /** The requests of `actionKey` sent after log row `afterSeq`: each one's `sent` request and its `requested` record. */
  async sentAfter(actionKey: string, afterSeq: number): Promise<Array<{ readonly actionId: string; readonly sentJson: string | null; readonly requestedJson: string | null }>> {
    const rows = await this.db.all<{ action_id: string; sent_json: string | null; requested_json: string | null }>(
      `SELECT s.action_id, s.request_json AS sent_json, r.request_json AS requested_json
       FROM action_log s LEFT JOIN action_log r ON r.action_id = s.action_id AND r.event = 'requested'
       WHERE s.action_key = ? AND s.event = 'sent' AND s.seq > ? ORDER BY s.seq LIMIT 50`,
      [actionKey, afterSeq],
    );
    return rows.map((row) => ({ actionId: row.action_id, sentJson: row.sent_json, requestedJson: row.requested_json }));
  }

  /** The ids of pending actions that start with `ref` (what messages show as "ref"). */
  async idsByRef(ref: string): Promise<string[]> {
    // A range on the primary key: ids are base64url, every character of which sorts below '~'.
    const rows = await this.db.all<{ id: string }>('SELECT id FROM pending_actions WHERE id >= ? AND id < ? ORDER BY id LIMIT 3', [ref, `${ref}~`]);
    return rows.map((row) => row.id);
  }
}
