// Confirmations waiting for a click, and their life: pending → (awaiting
// approval →) executing → completed, or cancelled / expired / rejected. Each
// move is one conditional UPDATE, so whichever click, retry or bot process
// gets there first wins and every other one sees zero rows changed: an action
// runs at most once.
import { randomBytes } from 'node:crypto';
import type { Database, Queries } from './database.ts';

export const PENDING_STATES = ['pending', 'awaiting_approval', 'executing', 'completed', 'cancelled', 'expired', 'rejected', 'failed'] as const;
export type PendingState = (typeof PENDING_STATES)[number];

export interface PendingAction {
  readonly id: string;
  readonly actionKey: string;
  readonly requesterId: string;
  readonly requesterTag: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  /** Validated options, as JSON text. */
  readonly optionsJson: string;
  /** The request to send, as JSON text (the store doesn't read it). */
  readonly requestJson: string;
  readonly state: PendingState;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly confirmedAt: number | null;
  readonly approverId: string | null;
  readonly approverTag: string | null;
  readonly approvalChannelId: string | null;
  readonly approvalMessageId: string | null;
  readonly outcomeKind: string | null;
  readonly finishedAt: number | null;
  /** The bot process that claimed it for sending (`host:pid:nonce`), and when. */
  readonly claimedBy: string | null;
  readonly claimedAt: number | null;
  /** The Binance account it runs on. */
  readonly account: string;
  /** Approvals beyond the requester's that the policy required when it was requested. */
  readonly approvalsRequired: 0 | 1;
  /** The amount the grant's caps apply to (undefined asset: the action carries none). */
  readonly amountAsset: string | null;
  readonly amount: string | null;
  /** Why it was closed, when not by its requester or an approver (e.g. "frozen by …"). */
  readonly closedReason: string | null;
}

export interface NewPendingAction {
  readonly actionKey: string;
  readonly requesterId: string;
  readonly requesterTag: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  readonly optionsJson: string;
  readonly requestJson: string;
  readonly expiresAt: number;
  readonly account: string;
  readonly approvalsRequired: 0 | 1;
  readonly amountAsset: string | null;
  readonly amount: string | null;
}

interface Row {
  id: string;
  action_key: string;
  requester_id: string;
  requester_tag: string;
  guild_id: string | null;
  channel_id: string | null;
  options_json: string;
  request_json: string;
  state: PendingState;
  created_at: number;
  expires_at: number;
  confirmed_at: number | null;
  approver_id: string | null;
  approver_tag: string | null;
  approval_channel_id: string | null;
  approval_message_id: string | null;
  outcome_kind: string | null;
  finished_at: number | null;
  claimed_by: string | null;
  claimed_at: number | null;
  account: string;
  approvals_required: 0 | 1;
  amount_asset: string | null;
  amount: string | null;
  closed_reason: string | null;
}

const fromRow = (row: Row): PendingAction => ({
  id: row.id,
  actionKey: row.action_key,
  requesterId: row.requester_id,
  requesterTag: row.requester_tag,
  guildId: row.guild_id,
  channelId: row.channel_id,
  optionsJson: row.options_json,
  requestJson: row.request_json,
  state: row.state,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  confirmedAt: row.confirmed_at,
  approverId: row.approver_id,
  approverTag: row.approver_tag,
  approvalChannelId: row.approval_channel_id,
  approvalMessageId: row.approval_message_id,
  outcomeKind: row.outcome_kind,
  finishedAt: row.finished_at,
  claimedBy: row.claimed_by,
  claimedAt: row.claimed_at,
  account: row.account,
  approvalsRequired: row.approvals_required,
  amountAsset: row.amount_asset,
  amount: row.amount,
  closedReason: row.closed_reason,
});

export class PendingActions {
  constructor(private readonly db: Database) {}

  /** Stores a new confirmation; its id is random and opaque (it goes in a button's custom_id). */
  async create(tx: Queries, input: NewPendingAction, now: number): Promise<PendingAction> {
    const id = randomBytes(16).toString('base64url');
    await tx.run(
      `INSERT INTO pending_actions (id, action_key, requester_id, requester_tag, guild_id, channel_id, options_json,
         request_json, state, created_at, expires_at, account, approvals_required, amount_asset, amount)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.actionKey,
        input.requesterId,
        input.requesterTag,
        input.guildId,
        input.channelId,
        input.optionsJson,
        input.requestJson,
        now,
        input.expiresAt,
        input.account,
        input.approvalsRequired,
        input.amountAsset,
        input.amount,
      ],
    );
    const created = await this.getIn(tx, id);
    if (created === undefined) throw new Error('a pending action vanished right after it was stored');
    return created;
  }

  get(id: string): Promise<PendingAction | undefined> {
    return this.getIn(this.db, id);
  }

  async getIn(queries: Queries, id: string): Promise<PendingAction | undefined> {
    const row = await queries.get<Row>('SELECT * FROM pending_actions WHERE id = ?', [id]);
    return row === undefined ? undefined : fromRow(row);
  }

  /**
   * The requester's Confirm: pending → executing, only if still pending and
   * unexpired. One UPDATE, so two clicks or two processes can't both win.
   */
  async claimForExecution(tx: Queries, id: string, now: number, owner: string): Promise<boolean> {
    const { changes } = await tx.run(
      `UPDATE pending_actions SET state = 'executing', confirmed_at = ?, claimed_by = ?, claimed_at = ?
       WHERE id = ? AND state = 'pending' AND expires_at > ?`,
      [now, owner, now, id, now],
    );
    return changes === 1;
  }

  /** The requester's Confirm on a four-eyes action: pending → awaiting_approval, with a fresh window. */
  async requestApproval(tx: Queries, id: string, now: number, expiresAt: number): Promise<boolean> {
    const { changes } = await tx.run(
      `UPDATE pending_actions SET state = 'awaiting_approval', confirmed_at = ?, expires_at = ?
       WHERE id = ? AND state = 'pending' AND expires_at > ?`,
      [now, expiresAt, id, now],
    );
    return changes === 1;
  }

  /** A second person's Approve: awaiting_approval → executing; never by the requester. */
  async claimApproved(tx: Queries, id: string, approver: { id: string; tag: string }, now: number, owner: string): Promise<boolean> {
    const { changes } = await tx.run(
      `UPDATE pending_actions SET state = 'executing', approver_id = ?, approver_tag = ?, claimed_by = ?, claimed_at = ?
       WHERE id = ? AND state = 'awaiting_approval' AND expires_at > ? AND requester_id <> ?`,
      [approver.id, approver.tag, owner, now, id, now, approver.id],
    );
    return changes === 1;
  }

  /** Cancel (by the requester, or for `reason`) or Reject (by an approver), while nothing has been sent. */
  async close(
    tx: Queries,
    id: string,
    state: 'cancelled' | 'rejected',
    now: number,
    by?: { id: string; tag: string },
    reason?: string,
  ): Promise<boolean> {
    const { changes } = await tx.run(
      `UPDATE pending_actions SET state = ?, finished_at = ?, approver_id = COALESCE(?, approver_id), approver_tag = COALESCE(?, approver_tag),
         closed_reason = COALESCE(?, closed_reason)
       WHERE id = ? AND state IN ('pending', 'awaiting_approval')`,
      [state, now, by?.id ?? null, by?.tag ?? null, reason ?? null, id],
    );
    return changes === 1;
  }

  /** Closes every action still waiting for a click (the freeze), and returns them. */
  async closeAllOpen(tx: Queries, reason: string, now: number): Promise<PendingAction[]> {
    const rows = await tx.all<Row>(
      `UPDATE pending_actions SET state = 'cancelled', finished_at = ?, closed_reason = ?
       WHERE state IN ('pending', 'awaiting_approval')
       RETURNING *`,
      [now, reason],
    );
    return rows.map(fromRow);
  }

  /** Marks every open action past its expiry as expired and returns them. */
  async expireDue(tx: Queries, now: number): Promise<PendingAction[]> {
    const rows = await tx.all<Row>(
      `UPDATE pending_actions SET state = 'expired', finished_at = ?
       WHERE state IN ('pending', 'awaiting_approval') AND expires_at <= ?
       RETURNING *`,
      [now, now],
    );
    return rows.map(fromRow);
  }

  /** Whether `owner` still holds the claim: checked in the transaction that writes the "sent" row. */
  async stillClaimedBy(tx: Queries, id: string, owner: string): Promise<boolean> {
    const row = await tx.get<{ state: string; claimed_by: string | null }>('SELECT state, claimed_by FROM pending_actions WHERE id = ?', [id]);
    return row?.state === 'executing' && row.claimed_by === owner;
  }

  /** executing → completed (with the outcome kind) or failed (nothing was sent). */
  /** Returns false when the action was no longer executing (another process closed it). */
  async finish(tx: Queries, id: string, result: { outcomeKind: string } | 'failed', now: number): Promise<boolean> {
    const { changes } =
      result === 'failed'
        ? await tx.run(`UPDATE pending_actions SET state = 'failed', finished_at = ? WHERE id = ? AND state = 'executing'`, [now, id])
        : await tx.run(`UPDATE pending_actions SET state = 'completed', outcome_kind = ?, finished_at = ? WHERE id = ? AND state = 'executing'`, [
            result.outcomeKind,
            now,
            id,
          ]);
    return changes === 1;
  }

  async setApprovalMessage(id: string, channelId: string, messageId: string): Promise<void> {
    await this.db.run('UPDATE pending_actions SET approval_channel_id = ?, approval_message_id = ? WHERE id = ?', [channelId, messageId, id]);
  }

  /** Actions a previous process claimed and never finished (it stopped mid-call). */
  async interrupted(): Promise<PendingAction[]> {
    const rows = await this.db.all<Row>("SELECT * FROM pending_actions WHERE state = 'executing' ORDER BY created_at");
    return rows.map(fromRow);
  }

  async countOpen(now: number): Promise<number> {
    const row = await this.db.get<{ count: number }>(
      "SELECT COUNT(*) AS count FROM pending_actions WHERE state IN ('pending', 'awaiting_approval') AND expires_at > ?",
      [now],
    );
    return row?.count ?? 0;
  }
}
