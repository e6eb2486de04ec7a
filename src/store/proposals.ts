// Access proposals (maker–checker): a delegated admin's change waiting for a
// second person. Like pending actions, each move is one conditional UPDATE,
// so a double click, a retry or a second bot process finds zero rows changed
// and the change is applied at most once.
import { randomBytes } from 'node:crypto';
import type { AccessChangeKind } from './change-log.ts';
import type { Database, Queries } from './database.ts';

export const PROPOSAL_STATES = ['open', 'approved', 'rejected', 'expired', 'cancelled'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export interface Proposal {
  readonly id: string;
  readonly kind: AccessChangeKind;
  /** The change as it will be applied (JSON of an AccessChange). */
  readonly changeJson: string;
  /** The state it was proposed against (JSON); an approval applies it only if unchanged. */
  readonly basisJson: string;
  /** The user the change is about (grant, revoke), who may not be its checker. */
  readonly targetUserId: string | null;
  /** Granting access.admin: a root admin must be the maker or the checker. */
  readonly needsRoot: boolean;
  readonly makerId: string;
  readonly makerTag: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  readonly state: ProposalState;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly checkerId: string | null;
  readonly checkerTag: string | null;
  readonly closedAt: number | null;
  readonly closedReason: string | null;
  readonly messageChannelId: string | null;
  readonly messageId: string | null;
}

/** What a new proposal is made of; the rest is its life. */
export type NewProposal = Pick<
  Proposal,
  'kind' | 'changeJson' | 'basisJson' | 'targetUserId' | 'needsRoot' | 'makerId' | 'makerTag' | 'guildId' | 'channelId' | 'expiresAt'
>;

interface Row {
  id: string;
  kind: AccessChangeKind;
  change_json: string;
  basis_json: string;
  target_user_id: string | null;
  needs_root: 0 | 1;
  maker_id: string;
  maker_tag: string;
  guild_id: string | null;
  channel_id: string | null;
  state: ProposalState;
  created_at: number;
  expires_at: number;
  checker_id: string | null;
  checker_tag: string | null;
  closed_at: number | null;
  closed_reason: string | null;
  message_channel_id: string | null;
  message_id: string | null;
}

const fromRow = (row: Row): Proposal => ({
  id: row.id,
  kind: row.kind,
  changeJson: row.change_json,
  basisJson: row.basis_json,
  targetUserId: row.target_user_id,
  needsRoot: row.needs_root === 1,
  makerId: row.maker_id,
  makerTag: row.maker_tag,
  guildId: row.guild_id,
  channelId: row.channel_id,
  state: row.state,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  checkerId: row.checker_id,
  checkerTag: row.checker_tag,
  closedAt: row.closed_at,
  closedReason: row.closed_reason,
  messageChannelId: row.message_channel_id,
  messageId: row.message_id,
});

export class Proposals {
  constructor(private readonly db: Database) {}

  /** Stores an open proposal; its id is random and opaque (it goes in a button's custom_id). */
  async create(tx: Queries, input: NewProposal, now: number): Promise<Proposal> {
    const id = randomBytes(16).toString('base64url');
    await tx.run(
      `INSERT INTO proposals (id, kind, change_json, basis_json, target_user_id, needs_root, maker_id, maker_tag, guild_id, channel_id,
         state, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
      [
        id,
        input.kind,
        input.changeJson,
        input.basisJson,
        input.targetUserId,
        input.needsRoot ? 1 : 0,
        input.makerId,
        input.makerTag,
        input.guildId,
        input.channelId,
        now,
        input.expiresAt,
      ],
    );
    const created = await this.get(id, tx);
    if (created === undefined) throw new Error('a proposal vanished right after it was stored');
    return created;
  }

  async get(id: string, q: Queries = this.db): Promise<Proposal | undefined> {
    const row = await q.get<Row>('SELECT * FROM proposals WHERE id = ?', [id]);
    return row === undefined ? undefined : fromRow(row);
  }

  /**
   * Closes an open, unexpired proposal as approved, rejected or cancelled, by
   * `by`. One UPDATE: of two clicks (or processes) exactly one changes the row.
   * An approval by its maker changes nothing.
   */
  async close(
    tx: Queries,
    id: string,
    state: 'approved' | 'rejected' | 'cancelled',
    by: { id: string; tag: string },
    now: number,
    reason?: string,
  ): Promise<boolean> {
    const { changes } = await tx.run(
      `UPDATE proposals SET state = ?, checker_id = ?, checker_tag = ?, closed_at = ?, closed_reason = ?
       WHERE id = ? AND state = 'open' AND expires_at > ? AND (? <> 'approved' OR maker_id <> ?)`,
      [state, by.id, by.tag, now, reason ?? null, id, now, state, by.id],
    );
    return changes === 1;
  }

  /** Every open proposal, due or not (what a freeze looks at). */
  async allOpen(q: Queries): Promise<Proposal[]> {
    const rows = await q.all<Row>("SELECT * FROM proposals WHERE state = 'open' ORDER BY created_at", []);
    return rows.map(fromRow);
  }

  /** Closes one open proposal as cancelled, with why (the freeze, a stale basis); undefined when it was not open. */
  async cancel(tx: Queries, id: string, reason: string, now: number): Promise<Proposal | undefined> {
    const row = await tx.get<Row>(
      `UPDATE proposals SET state = 'cancelled', closed_at = ?, closed_reason = ? WHERE id = ? AND state = 'open' RETURNING *`,
      [now, reason, id],
    );
    return row === undefined ? undefined : fromRow(row);
  }

  /** Marks every open proposal past its expiry as expired and returns them. */
  async expireDue(tx: Queries, now: number): Promise<Proposal[]> {
    const rows = await tx.all<Row>(
      `UPDATE proposals SET state = 'expired', closed_at = ? WHERE state = 'open' AND expires_at <= ? RETURNING *`,
      [now, now],
    );
    return rows.map(fromRow);
  }

  async setMessage(id: string, channelId: string, messageId: string): Promise<void> {
    await this.db.run('UPDATE proposals SET message_channel_id = ?, message_id = ? WHERE id = ?', [channelId, messageId, id]);
  }

  /** Open proposals, oldest first (for /access list). */
  async open(now: number): Promise<Proposal[]> {
    const rows = await this.db.all<Row>("SELECT * FROM proposals WHERE state = 'open' AND expires_at > ? ORDER BY created_at", [now]);
    return rows.map(fromRow);
  }
}
