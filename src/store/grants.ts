// Who may do what: grants of action keys to Discord users, per Binance account
// ('*' for every account), each with a role and per-asset caps, and the
// approval policy of each action. The bot decides from these rows, never from
// Discord roles. Where a row for the account and a '*' row both apply, the
// STRICTEST of them holds (strictestGrant, below): an account's row can narrow
// what the '*' row allows, never widen it.
import { compareDecimals } from '../decimal.ts';
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

/**
 * What holds for a user, an action and an account: every row that applies
 * (the account's own and the '*' one), taken together so that each is obeyed.
 */
export interface EffectiveGrant {
  readonly userId: string;
  readonly actionKey: string;
  /** The most specific row's account: the account's own row, else '*'. */
  readonly account: string;
  /** approver when any of the rows says approver (it may approve, never request). */
  readonly role: GrantRole;
  /** Whether any row caps amounts: then only the assets in `caps` may move, each within its limits. */
  readonly capped: boolean;
  /** Per asset, the smaller limit of every capped row; an asset one capped row lacks is not here (refused). */
  readonly caps: readonly Cap[];
  /** The rows, most specific first; each row's daily cap counts on its own scope (one account, or all). */
  readonly rows: readonly Grant[];
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

  /**
   * Removes a grant and its caps; false when there was none. On '*' it removes
   * the grant on EVERY account (the '*' row and each account's row): a revoke
   * "everywhere" that left an account row would leave the right in place.
   */
  async revoke(tx: Queries, userId: string, actionKey: string, account: string = ANY_ACCOUNT): Promise<boolean> {
    const { changes } = await tx.run(`DELETE FROM grants WHERE user_id = ? AND action_key = ? AND (? = '*' OR account = ?)`, [userId, actionKey, account, account]);
    return changes > 0;
  }

  /** What holds on `account`: the strictest of its own row and the '*' row (undefined: no row, no right). */
  async get(userId: string, actionKey: string, account: string = ANY_ACCOUNT, q: Queries = this.db): Promise<EffectiveGrant | undefined> {
    const rows = await this.#rows(q, `SELECT * FROM grants WHERE user_id = ? AND action_key = ? AND account IN (?, '*') ORDER BY account = '*'`, [
      userId,
      actionKey,
      account,
    ]);
    return strictestGrant(rows);
  }

  /** Exactly the row of `account` (no '*' row with it): what a grant replaces. */
  async getExact(userId: string, actionKey: string, account: string, q: Queries = this.db): Promise<Grant | undefined> {
    const [row] = await this.#rows(q, 'SELECT * FROM grants WHERE user_id = ? AND action_key = ? AND account = ?', [userId, actionKey, account]);
    return row;
  }

  /** Every row of a user's grant of an action, on any account ('*' first): what a revoke on '*' removes. */
  everyRow(userId: string, actionKey: string, q: Queries = this.db): Promise<Grant[]> {
    return this.#rows(q, `SELECT * FROM grants WHERE user_id = ? AND action_key = ? ORDER BY account <> '*', account`, [userId, actionKey]);
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

  async hasAny(userId: string, q: Queries = this.db): Promise<boolean> {
    return (await q.get('SELECT 1 FROM grants WHERE user_id = ? LIMIT 1', [userId])) !== undefined;
  }

  async setPolicy(tx: Queries, policy: { actionKey: string; account: string; approvals: 0 | 1 }, setBy: string, now: number): Promise<void> {
    await tx.run(
      `INSERT INTO policies (action_key, account, approvals, set_by, set_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (action_key, account) DO UPDATE SET approvals = excluded.approvals, set_by = excluded.set_by, set_at = excluded.set_at`,
      [policy.actionKey, policy.account, policy.approvals, setBy, now],
    );
  }

  /**
   * Approvals an action on `account` needs beyond the requester's: the
   * strictest of the account's row and the '*' row (0 when neither is set), so
   * an account row can require more than '*' but never less.
   */
  async approvalsRequired(actionKey: string, account: string = ANY_ACCOUNT, q: Queries = this.db): Promise<0 | 1> {
    const row = await q.get<{ approvals: 0 | 1 | null }>(`SELECT MAX(approvals) AS approvals FROM policies WHERE action_key = ? AND account IN (?, '*')`, [
      actionKey,
      account,
    ]);
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

  /** The grant rows `sql` selects (of one user and action), each with its caps. */
  async #rows(q: Queries, sql: string, params: readonly string[]): Promise<Grant[]> {
    const rows = await q.all<GrantRow>(sql, params);
    const grants: Grant[] = [];
    for (const row of rows) {
      const caps = await q.all<CapRow>('SELECT * FROM grant_caps WHERE user_id = ? AND action_key = ? AND account = ? ORDER BY asset', [
        row.user_id,
        row.action_key,
        row.account,
      ]);
      grants.push(toGrant(row, caps));
    }
    return grants;
  }
}

/**
 * The strictest-row rule: the approver role wins over requester, and caps
 * combine per asset with the smaller limit of each (an asset that a capped row
 * does not list is refused by that row, so it is refused). One row is itself.
 */
export function strictestGrant(rows: readonly Grant[]): EffectiveGrant | undefined {
  const [first] = rows;
  if (first === undefined) return undefined;
  const capped = rows.filter((row) => row.caps.length > 0);
  return {
    userId: first.userId,
    actionKey: first.actionKey,
    account: first.account,
    role: rows.some((row) => row.role === 'approver') ? 'approver' : 'requester',
    capped: capped.length > 0,
    caps: capped.length === 1 ? (capped[0]?.caps ?? []) : combineCaps(capped.map((row) => row.caps)),
    rows,
  };
}

function combineCaps(lists: readonly (readonly Cap[])[]): Cap[] {
  const [first = [], ...rest] = lists;
  // An older version's '*' cap refuses every amount; it stays, so the combination fails closed as well.
  const legacy = lists.flat().find((cap) => cap.asset === LEGACY_ANY_ASSET);
  const named = first.flatMap((cap): Cap[] => {
    if (cap.asset === LEGACY_ANY_ASSET) return [];
    let combined: Cap = cap;
    for (const list of rest) {
      const other = list.find((line) => line.asset === cap.asset);
      if (other === undefined) return [];
      combined = { asset: cap.asset, maxAmount: smaller(combined.maxAmount, other.maxAmount), dailyMax: smaller(combined.dailyMax, other.dailyMax) };
    }
    return [combined];
  });
  return legacy === undefined ? named : [legacy, ...named];
}

/** The smaller of two limits; null is no limit. */
function smaller(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareDecimals(a, b) <= 0 ? a : b;
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
