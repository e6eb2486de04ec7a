// Who may do what: grants of action keys to Discord users, per Binance account
// ('*' for every account), each with a role and per-asset caps, and the
// approval policy of each action. The bot decides from these rows, never from
// Discord roles. Where a row for the account and a '*' row both exist, the
// account's row wins (the most specific row).
import type { Database, Queries } from './database.ts';

/** Every account: the only account value until accounts can be named. */
export const ANY_ACCOUNT = '*';
/** The asset of a cap written by an older version for "every asset": refused until re-granted. */
export const LEGACY_ANY_ASSET = '*';

export const GRANT_ROLES = ['requester', 'approver'] as const;
/** requester: may request and approve others' requests; approver: may only approve or reject. */
export type GrantRole = (typeof GRANT_ROLES)[number];

export interface Cap {
  /** An asset such as BTC ('*' only in grants from an older version). */
  readonly asset: string;
  /** Per request, decimal text; null: no per-request cap. */
  readonly maxAmount: string | null;
  /** Over any rolling 24 hours, decimal text; null: no daily cap. */
  readonly dailyMax: string | null;
}

/** A grant as stored and as replayed from the log: the whole of it. */
export interface GrantSpec {
  readonly userId: string;
  readonly actionKey: string;
  readonly account: string;
  readonly role: GrantRole;
  readonly caps: readonly Cap[];
}

export interface Grant extends GrantSpec {
  readonly grantedBy: string;
  readonly grantedAt: number;
}

export interface Policy {
  readonly actionKey: string;
  readonly account: string;
  readonly approvals: 0 | 1;
  readonly setBy: string;
  readonly setAt: number;
}

interface GrantRow {
  user_id: string;
  action_key: string;
  account: string;
  role: GrantRole;
  granted_by: string;
  granted_at: number;
}

interface CapRow {
  user_id: string;
  action_key: string;
  account: string;
  asset: string;
  max_amount: string | null;
  daily_max: string | null;
}

export class Grants {
  constructor(private readonly db: Database) {}

  /** Writes a whole grant: its row and exactly these caps (others of the grant are removed). */
  async put(tx: Queries, grant: GrantSpec, grantedBy: string, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO grants (user_id, action_key, account, role, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, action_key, account) DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      [grant.userId, grant.actionKey, grant.account, grant.role, grantedBy, now],
    );
    await tx.run('DELETE FROM grant_caps WHERE user_id = ? AND action_key = ? AND account = ?', [grant.userId, grant.actionKey, grant.account]);
    for (const cap of grant.caps) {
      await tx.run('INSERT INTO grant_caps (user_id, action_key, account, asset, max_amount, daily_max) VALUES (?, ?, ?, ?, ?, ?)', [
        grant.userId,
        grant.actionKey,
        grant.account,
        cap.asset,
        cap.maxAmount,
        cap.dailyMax,
      ]);
    }
  }

  /** Removes a grant and its caps; false when there was none. */
  async revoke(tx: Queries, userId: string, actionKey: string, account: string = ANY_ACCOUNT): Promise<boolean> {
    const { changes } = await tx.run('DELETE FROM grants WHERE user_id = ? AND action_key = ? AND account = ?', [userId, actionKey, account]);
    return changes === 1;
  }

  /** The grant that applies to `account`: its own row, else the '*' row. */
  get(userId: string, actionKey: string, account: string = ANY_ACCOUNT, q: Queries = this.db): Promise<Grant | undefined> {
    return this.#one(
      q,
      `SELECT * FROM grants WHERE user_id = ? AND action_key = ? AND account IN (?, '*') ORDER BY account = '*' LIMIT 1`,
      [userId, actionKey, account],
    );
  }

  /** Exactly the row of `account` (no fallback to '*'): what a change replaces. */
  getExact(userId: string, actionKey: string, account: string, q: Queries = this.db): Promise<Grant | undefined> {
    return this.#one(q, 'SELECT * FROM grants WHERE user_id = ? AND action_key = ? AND account = ?', [userId, actionKey, account]);
  }

  /** Every grant, or one user's, with caps; ordered by user, action, account. */
  async list(userId?: string): Promise<Grant[]> {
    const rows = await this.db.all<GrantRow>('SELECT * FROM grants WHERE (?1 IS NULL OR user_id = ?1) ORDER BY user_id, action_key, account', [userId ?? null]);
    const caps = await this.db.all<CapRow>('SELECT * FROM grant_caps WHERE (?1 IS NULL OR user_id = ?1) ORDER BY asset', [userId ?? null]);
    return rows.map((row) =>
      toGrant(
        row,
        caps.filter((cap) => cap.user_id === row.user_id && cap.action_key === row.action_key && cap.account === row.account),
      ),
    );
  }

  async hasAny(userId: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 FROM grants WHERE user_id = ? LIMIT 1', [userId])) !== undefined;
  }

  async setPolicy(tx: Queries, policy: { actionKey: string; account: string; approvals: 0 | 1 }, setBy: string, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO policies (action_key, account, approvals, set_by, set_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (action_key, account) DO UPDATE SET approvals = excluded.approvals, set_by = excluded.set_by, set_at = excluded.set_at`,
      [policy.actionKey, policy.account, policy.approvals, setBy, now],
    );
  }

  /** Approvals an action on `account` needs beyond the requester's: the account's row, else '*', else 0. */
  async approvalsRequired(actionKey: string, account: string = ANY_ACCOUNT, q: Queries = this.db): Promise<0 | 1> {
    const row = await q.get<{ approvals: 0 | 1 }>(
      `SELECT approvals FROM policies WHERE action_key = ? AND account IN (?, '*') ORDER BY account = '*' LIMIT 1`,
      [actionKey, account],
    );
    return row?.approvals ?? 0;
  }

  /** Exactly the policy row of `account`, if one was set. */
  async policyExact(actionKey: string, account: string, q: Queries = this.db): Promise<0 | 1 | undefined> {
    const row = await q.get<{ approvals: 0 | 1 }>('SELECT approvals FROM policies WHERE action_key = ? AND account = ?', [actionKey, account]);
    return row?.approvals;
  }

  async policies(): Promise<Policy[]> {
    const rows = await this.db.all<{ action_key: string; account: string; approvals: 0 | 1; set_by: string; set_at: number }>(
      'SELECT * FROM policies ORDER BY action_key, account',
    );
    return rows.map((row) => ({ actionKey: row.action_key, account: row.account, approvals: row.approvals, setBy: row.set_by, setAt: row.set_at }));
  }

  async #one(q: Queries, sql: string, params: readonly string[]): Promise<Grant | undefined> {
    const row = await q.get<GrantRow>(sql, params);
    if (row === undefined) return undefined;
    const caps = await q.all<CapRow>('SELECT * FROM grant_caps WHERE user_id = ? AND action_key = ? AND account = ? ORDER BY asset', [
      row.user_id,
      row.action_key,
      row.account,
    ]);
    return toGrant(row, caps);
  }
}

function toGrant(row: GrantRow, caps: readonly CapRow[]): Grant {
  return {
    userId: row.user_id,
    actionKey: row.action_key,
    account: row.account,
    role: row.role,
    grantedBy: row.granted_by,
    grantedAt: row.granted_at,
    caps: caps.map((cap) => ({ asset: cap.asset, maxAmount: cap.max_amount, dailyMax: cap.daily_max })),
  };
}
