// Who may do what: grants of action keys to Discord users (with optional
// per-asset amount caps) and the approval policy of each action. The bot
// decides from these rows, never from Discord roles.
import type { Database, Queries } from './database.ts';

export interface AmountLimit {
  /** An asset such as BTC, or '*' for every asset without a line of its own. */
  readonly asset: string;
  readonly maxAmount: string;
}

export interface Grant {
  readonly userId: string;
  readonly actionKey: string;
  readonly grantedBy: string;
  readonly grantedAt: number;
  readonly limits: readonly AmountLimit[];
}

export interface Policy {
  readonly actionKey: string;
  readonly approvals: 0 | 1;
  readonly setBy: string;
  readonly setAt: number;
}

interface GrantRow {
  user_id: string;
  action_key: string;
  granted_by: string;
  granted_at: number;
}

export class Grants {
  constructor(private readonly db: Database) {}

  /** Grants (or re-grants) an action; a limit adds or replaces that asset's cap. */
  async grant(tx: Queries, input: { userId: string; actionKey: string; grantedBy: string; limit?: AmountLimit | undefined }, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO grants (user_id, action_key, granted_by, granted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, action_key) DO UPDATE SET granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      [input.userId, input.actionKey, input.grantedBy, now],
    );
    if (input.limit !== undefined) {
      await tx.run(
        `INSERT INTO grant_limits (user_id, action_key, asset, max_amount) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, action_key, asset) DO UPDATE SET max_amount = excluded.max_amount`,
        [input.userId, input.actionKey, input.limit.asset, input.limit.maxAmount],
      );
    }
  }

  /** Removes a grant and its caps; false when there was none. */
  async revoke(tx: Queries, userId: string, actionKey: string): Promise<boolean> {
    const { changes } = await tx.run('DELETE FROM grants WHERE user_id = ? AND action_key = ?', [userId, actionKey]);
    return changes === 1;
  }

  async get(userId: string, actionKey: string): Promise<Grant | undefined> {
    const row = await this.db.get<GrantRow>('SELECT * FROM grants WHERE user_id = ? AND action_key = ?', [userId, actionKey]);
    return row === undefined ? undefined : { ...toGrant(row), limits: await this.#limits(userId, actionKey) };
  }

  /** Every grant, or one user's, with caps; ordered by user then action. */
  async list(userId?: string): Promise<Grant[]> {
    const rows = await this.db.all<GrantRow>('SELECT * FROM grants WHERE (?1 IS NULL OR user_id = ?1) ORDER BY user_id, action_key', [userId ?? null]);
    const limits = await this.db.all<{ user_id: string; action_key: string; asset: string; max_amount: string }>(
      'SELECT * FROM grant_limits WHERE (?1 IS NULL OR user_id = ?1) ORDER BY asset',
      [userId ?? null],
    );
    return rows.map((row) => ({
      ...toGrant(row),
      limits: limits
        .filter((limit) => limit.user_id === row.user_id && limit.action_key === row.action_key)
        .map((limit) => ({ asset: limit.asset, maxAmount: limit.max_amount })),
    }));
  }

  async hasAny(userId: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 FROM grants WHERE user_id = ? LIMIT 1', [userId])) !== undefined;
  }

  async setPolicy(tx: Queries, actionKey: string, approvals: 0 | 1, setBy: string, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO policies (action_key, approvals, set_by, set_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (action_key) DO UPDATE SET approvals = excluded.approvals, set_by = excluded.set_by, set_at = excluded.set_at`,
      [actionKey, approvals, setBy, now],
    );
  }

  /** Approvals an action needs beyond the requester's (0 when no policy was set). */
  async approvalsRequired(actionKey: string): Promise<0 | 1> {
    const row = await this.db.get<{ approvals: 0 | 1 }>('SELECT approvals FROM policies WHERE action_key = ?', [actionKey]);
    return row?.approvals ?? 0;
  }

  async policies(): Promise<Policy[]> {
    const rows = await this.db.all<{ action_key: string; approvals: 0 | 1; set_by: string; set_at: number }>(
      'SELECT * FROM policies ORDER BY action_key',
    );
    return rows.map((row) => ({ actionKey: row.action_key, approvals: row.approvals, setBy: row.set_by, setAt: row.set_at }));
  }

  async #limits(userId: string, actionKey: string): Promise<AmountLimit[]> {
    const rows = await this.db.all<{ asset: string; max_amount: string }>(
      'SELECT asset, max_amount FROM grant_limits WHERE user_id = ? AND action_key = ? ORDER BY asset',
      [userId, actionKey],
    );
    return rows.map((row) => ({ asset: row.asset, maxAmount: row.max_amount }));
  }
}

function toGrant(row: GrantRow): Omit<Grant, 'limits'> {
  return { userId: row.user_id, actionKey: row.action_key, grantedBy: row.granted_by, grantedAt: row.granted_at };
}
