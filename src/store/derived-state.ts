// Grants, policies and the freeze are derived state: every change the bot
// makes to them writes a log row in the same transaction (change-log.ts
// names the shapes, older ones included). This check replays those rows in
// order and compares the result with the tables, so a grant, a policy or a
// freeze written straight into the database (or one deleted from it) is
// named. It reads only, so verify-log and backup run it on a read-only file.
import { changeRowShapes } from './change-log.ts';
import type { CheckResult, LogCheck } from './log-checks.ts';
import type { Queries } from './database.ts';
import { parseJsonText } from '../json-text.ts';

type Reader = Pick<Queries, 'all' | 'get'>;

interface CapState {
  readonly asset: string;
  readonly maxAmount: string | null;
  readonly dailyMax: string | null;
}

interface GrantState {
  readonly user: string;
  readonly action: string;
  readonly account: string;
  readonly role: string;
  readonly caps: readonly CapState[];
  /** The log row that made it so (undefined for a table row). */
  readonly seq?: number;
}

interface FreezeState {
  readonly reason: string;
  readonly byId: string;
  readonly byTag: string;
  readonly seq?: number;
}

/** What replaying the log's change rows leaves: grants by user/action/account, policies by action/account, the freeze. */
export interface DerivedState {
  readonly grants: Map<string, GrantState>;
  readonly policies: Map<string, { approvals: number; seq?: number }>;
  freeze: FreezeState | undefined;
  /** Change rows the replay could not read. */
  readonly unreadable: number[];
}

const grantKey = (user: string, action: string, account: string) => JSON.stringify([user, action, account]);
/** "`pm.repay-debt` of <@123>" (on account x): how a finding names a grant. */
const grantName = (grant: GrantState) => `\`${grant.action}\` of <@${grant.user}>${grant.account === '*' ? '' : ` on account ${grant.account}`}`;
const policyKey = (action: string, account: string) => `\`${action}\`${account === '*' ? '' : ` on account ${account}`}`;

/** The columns of a change row a replay reads. */
export interface ChangeRow {
  readonly seq: number;
  readonly event: string;
  readonly user_id: string | null;
  readonly user_tag: string | null;
  readonly params_json: string | null;
}

/** Nothing granted, no policy, not frozen: the state before the first row. */
export function emptyState(): DerivedState {
  return { grants: new Map(), policies: new Map(), freeze: undefined, unreadable: [] };
}

/** The change events a replay applies; every other row leaves the state as it is. */
export const CHANGE_EVENTS: ReadonlySet<string> = new Set(['grant', 'revoke', 'policy', 'freeze', 'unfreeze']);

/** Applies one grant, revoke, policy, freeze or unfreeze row to `state` (rows of other events change nothing). */
export function applyChangeRow(state: DerivedState, row: ChangeRow): void {
  if (!CHANGE_EVENTS.has(row.event)) return;
  const params = parseJsonText(row.params_json);
  const shape = changeRowShapes(row.event, params);
  switch (shape?.kind) {
    case 'grant':
      state.grants.set(grantKey(shape.user, shape.action, shape.account), {
        user: shape.user,
        action: shape.action,
        account: shape.account,
        role: shape.role,
        caps: sortCaps(shape.caps.map((cap) => ({ asset: cap.asset, maxAmount: cap.maxAmount ?? null, dailyMax: cap.dailyMax ?? null }))),
        seq: row.seq,
      });
      break;
    case 'legacy-grant': {
      // Before migration 6 a grant row added (or replaced) one asset's per-request cap to what was there.
      const key = grantKey(shape.user, shape.action, '*');
      const caps = (state.grants.get(key)?.caps ?? []).filter((cap) => cap.asset !== shape.limit?.asset);
      if (shape.limit !== undefined) caps.push({ asset: shape.limit.asset, maxAmount: shape.limit.maxAmount, dailyMax: null });
      state.grants.set(key, { user: shape.user, action: shape.action, account: '*', role: 'requester', caps: sortCaps(caps), seq: row.seq });
      break;
    }
    case 'revoke':
      // A revoke on '*' removes the user's rows of the action on every account (grants.ts).
      for (const [key, grant] of [...state.grants]) {
        if (grant.user === shape.user && grant.action === shape.action && (shape.account === '*' || grant.account === shape.account)) state.grants.delete(key);
      }
      break;
    case 'policy':
      state.policies.set(policyKey(shape.action, shape.account), { approvals: shape.approvals, seq: row.seq });
      break;
    case 'freeze':
      state.freeze = { reason: shape.reason, byId: row.user_id ?? '', byTag: row.user_tag ?? '', seq: row.seq };
      break;
    case 'unfreeze':
      state.freeze = undefined;
      break;
    case undefined:
      state.unreadable.push(row.seq);
      break;
    default: {
      const unreachable: never = shape;
      throw new Error(`unknown change ${String(unreachable)}`);
    }
  }
}

/** Replays every grant, revoke, policy, freeze and unfreeze row, in order. */
export async function replayChanges(db: Reader): Promise<DerivedState> {
  const state = emptyState();
  const rows = await db.all<ChangeRow>(
    "SELECT seq, event, user_id, user_tag, params_json FROM action_log WHERE event IN ('grant', 'revoke', 'policy', 'freeze', 'unfreeze') ORDER BY seq",
  );
  for (const row of rows) applyChangeRow(state, row);
  return state;
}

/** The four tables in one read (the bot reads them before every decision): a tag, then each table's columns. */
const TABLES = `
  SELECT 'grant' AS tag, user_id AS a, action_key AS b, account AS c, role AS d, NULL AS e, NULL AS f FROM grants
  UNION ALL SELECT 'cap', user_id, action_key, account, asset, max_amount, daily_max FROM grant_caps
  UNION ALL SELECT 'policy', action_key, account, approvals, NULL, NULL, NULL FROM policies
  UNION ALL SELECT 'freeze', reason, by_id, by_tag, NULL, NULL, NULL FROM freeze WHERE id = 1`;

interface TableRow {
  readonly tag: 'grant' | 'cap' | 'policy' | 'freeze';
  readonly a: string;
  readonly b: string;
  readonly c: string | number;
  readonly d: string | null;
  readonly e: string | null;
  readonly f: string | null;
}

/** The tables as they are. */
export async function readTables(db: Reader): Promise<Omit<DerivedState, 'unreadable'>> {
  const rows = await db.all<TableRow>(TABLES);
  const grants = new Map<string, GrantState>();
  const caps = rows.filter((row) => row.tag === 'cap');
  for (const row of rows.filter((candidate) => candidate.tag === 'grant')) {
    const account = String(row.c);
    const own = caps.filter((cap) => cap.a === row.a && cap.b === row.b && cap.c === account);
    grants.set(grantKey(row.a, row.b, account), {
      user: row.a,
      action: row.b,
      account,
      role: row.d ?? '',
      caps: sortCaps(own.map((cap) => ({ asset: cap.d ?? '', maxAmount: cap.e, dailyMax: cap.f }))),
    });
  }
  const policies = new Map<string, { approvals: number }>();
  for (const row of rows.filter((candidate) => candidate.tag === 'policy')) policies.set(policyKey(row.a, String(row.b)), { approvals: Number(row.c) });
  const freeze = rows.find((row) => row.tag === 'freeze');
  return { grants, policies, freeze: freeze === undefined ? undefined : { reason: freeze.a, byId: freeze.b, byTag: String(freeze.c) } };
}

/** Every difference between the replayed log and the tables, one line each. */
export function compareState(derived: DerivedState, tables: Omit<DerivedState, 'unreadable'>): string[] {
  const findings: string[] = [];
  for (const [key, grant] of tables.grants) {
    const logged = derived.grants.get(key);
    if (logged === undefined) findings.push(`the grant of ${grantName(grant)} (${describeGrant(grant)}) is in the grants table, but no log row grants it`);
    else if (describeGrant(logged) !== describeGrant(grant)) findings.push(`the grant of ${grantName(grant)} is ${describeGrant(grant)} in the table, but the log (row ${logged.seq}) made it ${describeGrant(logged)}`);
  }
  for (const [key, grant] of derived.grants) {
    if (!tables.grants.has(key)) findings.push(`the log (row ${grant.seq}) grants ${grantName(grant)} (${describeGrant(grant)}), but the grants table has no such grant`);
  }
  for (const [key, policy] of tables.policies) {
    const logged = derived.policies.get(key);
    if (logged === undefined) findings.push(`the policy of ${key} (approvals: ${policy.approvals}) is in the policies table, but no log row sets it`);
    else if (logged.approvals !== policy.approvals) findings.push(`the policy of ${key} is approvals: ${policy.approvals} in the table, but the log (row ${logged.seq}) set approvals: ${logged.approvals}`);
  }
  for (const [key, policy] of derived.policies) {
    if (!tables.policies.has(key)) findings.push(`the log (row ${policy.seq}) sets the policy of ${key} (approvals: ${policy.approvals}), but the policies table has no such row`);
  }
  // Reason and who, not the time: the table's `since` and the row's at_ms each read the clock once.
  const { freeze: table } = tables;
  const { freeze: logged } = derived;
  if (table !== undefined && logged === undefined) findings.push(`the bot is frozen in the freeze table (by ${table.byTag}: ${table.reason}), but the log does not leave it frozen`);
  if (table === undefined && logged !== undefined) findings.push(`the log (row ${logged.seq}) leaves the bot frozen (by ${logged.byTag}: ${logged.reason}), but the freeze table is empty`);
  if (table !== undefined && logged !== undefined && (table.reason !== logged.reason || table.byId !== logged.byId || table.byTag !== logged.byTag)) {
    findings.push(`the freeze table says frozen by ${table.byTag} (${table.byId}): ${table.reason}; the log (row ${logged.seq}) says by ${logged.byTag} (${logged.byId}): ${logged.reason}`);
  }
  return findings;
}

/** Grants, policies and the freeze rebuilt from the log and compared with their tables. */
export const derivedStateCheck: LogCheck = {
  name: 'access',
  async run({ db }): Promise<CheckResult> {
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('grant_caps', 'freeze')");
    if (tables.length < 2) return { name: 'access', status: 'skipped', summary: 'the database predates grants per account and the freeze (migrations 6 and 9)', notes: [] };
    const derived = await replayChanges(db);
    const findings = compareState(derived, await readTables(db));
    const notes = derived.unreadable.length === 0 ? [] : [`Change rows the replay cannot read (shapes the bot never wrote): ${derived.unreadable.slice(0, 10).join(', ')}.`];
    if (findings.length > 0) {
      return {
        name: 'access',
        status: 'broken',
        summary: `BROKEN: the grants, policies or freeze do not match the log: ${findings.length === 1 ? findings[0] : `${findings.length} differences`}`,
        notes: [...(findings.length === 1 ? [] : findings.slice(0, 20)), ...notes, 'Someone changed who may do what without the bot (in the database itself): find out who before trusting these tables.'],
      };
    }
    const frozen = derived.freeze === undefined ? 'not frozen' : `frozen by ${derived.freeze.byTag}`;
    return { name: 'access', status: 'ok', summary: `${derived.grants.size} grants, ${derived.policies.size} policies, ${frozen}: the tables are what the log explains`, notes };
  },
};

function describeGrant(grant: GrantState): string {
  const caps = grant.caps.map((cap) => `${cap.asset}${cap.maxAmount === null ? '' : ` ≤ ${cap.maxAmount}`}${cap.dailyMax === null ? '' : ` (${cap.dailyMax}/day)`}`);
  return `${grant.role}${caps.length === 0 ? ', no caps' : `, caps ${caps.join(', ')}`}`;
}

function sortCaps(caps: CapState[]): CapState[] {
  return caps.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
}

