// Applying a change to who may do what: a grant, a revoke, a policy or the
// release of the freeze. Whether it comes from a root admin (at once) or from
// an approved proposal, it goes through applyChange, which writes the table
// and the one log row a replay needs (shapes in src/store/change-log.ts),
// inside the caller's transaction.
import { z } from 'zod';
import { compareDecimals } from '../decimal.ts';
import {
  ANY_ACCOUNT,
  grantFromParams,
  grantParams,
  grantToParams,
  LEGACY_ANY_ASSET,
  type AccessChange,
  type Grant,
  type GrantSpec,
  type Proposal,
  type Queries,
  type Store,
} from '../store/index.ts';
import type { Actor } from './actor.ts';

export interface ApplyContext {
  /** Who made it apply: the root admin, or the checker who approved the proposal. */
  readonly by: Actor;
  readonly now: number;
  readonly proposal?: Proposal | undefined;
}

/** What a change replaces: the state its BEFORE → AFTER is shown from, and its approval is checked against. */
export type Before =
  /** The row of the grant's account it replaces (none: a new grant). */
  | { readonly kind: 'grant'; readonly grant: GrantSpec | undefined }
  /** Every row it removes (on '*': the user's rows of the action on every account). */
  | { readonly kind: 'revoke'; readonly grants: readonly GrantSpec[] }
  /** The policy row of the change's account (none: never set). */
  | { readonly kind: 'policy'; readonly approvals: 0 | 1 | undefined }
  /** The freeze it releases, by when it was engaged. */
  | { readonly kind: 'unfreeze'; readonly since: number | undefined };

/** Reads what `change` would replace, in `q`. */
export async function beforeOf(store: Store, q: Queries, change: AccessChange): Promise<Before> {
  switch (change.kind) {
    case 'grant':
      return { kind: 'grant', grant: await store.grants.getExact(change.user, change.action, change.account, q) };
    case 'revoke': {
      const grants =
        change.account === ANY_ACCOUNT
          ? await store.grants.everyRow(change.user, change.action, q)
          : [await store.grants.getExact(change.user, change.action, change.account, q)].filter((grant): grant is Grant => grant !== undefined);
      return { kind: 'revoke', grants };
    }
    case 'policy':
      return { kind: 'policy', approvals: await store.grants.policyExact(change.action, change.account, q) };
    case 'unfreeze':
      return { kind: 'unfreeze', since: (await store.freeze.current(q))?.since };
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/**
 * The basis a proposal records: what its change replaces, as JSON. Its
 * approval applies the change only if the basis is still the same, so what the
 * checker saw is what happens (a root's change in between voids the proposal).
 */
export function basisJson(before: Before): string {
  switch (before.kind) {
    case 'grant':
      return JSON.stringify(before.grant === undefined ? null : grantToParams(before.grant));
    case 'revoke':
      return JSON.stringify(before.grants.map(grantToParams));
    case 'policy':
      return JSON.stringify(before.approvals ?? null);
    case 'unfreeze':
      return JSON.stringify(before.since ?? null);
    default: {
      const unreachable: never = before;
      return unreachable;
    }
  }
}

export async function basisOf(store: Store, q: Queries, change: AccessChange): Promise<string> {
  return basisJson(await beforeOf(store, q, change));
}

const grantBasis = grantParams.nullable();
// A revoke's basis was one row (or null) before revokes on '*' covered every account.
const revokeBasis = z.union([z.array(grantParams), grantParams, z.null()]);
const policyBasis = z.union([z.literal(0), z.literal(1), z.null()]);
const unfreezeBasis = z.number().nullable();

/** What a stored proposal's change replaces, from its basis. */
export function parseBasis(change: AccessChange, json: string): Before {
  const value: unknown = JSON.parse(json);
  switch (change.kind) {
    case 'grant': {
      const grant = grantBasis.parse(value);
      return { kind: 'grant', grant: grant === null ? undefined : grantFromParams(grant) };
    }
    case 'revoke': {
      const rows = revokeBasis.parse(value);
      return { kind: 'revoke', grants: (rows === null ? [] : Array.isArray(rows) ? rows : [rows]).map(grantFromParams) };
    }
    case 'policy':
      return { kind: 'policy', approvals: policyBasis.parse(value) ?? undefined };
    case 'unfreeze':
      return { kind: 'unfreeze', since: unfreezeBasis.parse(value) ?? undefined };
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/** Writes `change` and its log row; false when there was nothing to apply (a revoke of no grant, no freeze). */
export async function applyChange(store: Store, tx: Queries, change: AccessChange, context: ApplyContext): Promise<boolean> {
  const { by, now, proposal } = context;
  const row = {
    actionId: proposal?.id,
    userId: by.id,
    userTag: by.tag,
    guildId: by.guildId,
    channelId: by.channelId,
    detail: proposal === undefined ? undefined : `proposal ${proposal.id}: proposed by ${proposal.makerTag} (${proposal.makerId}), approved by ${by.tag} (${by.id})`,
  };
  switch (change.kind) {
    case 'grant': {
      const { kind: _kind, ...params } = change;
      await store.grants.put(tx, grantFromParams(params), by.id, now);
      await store.log.appendIn(tx, { event: 'grant', actionKey: change.action, ...row, params });
      return true;
    }
    case 'revoke': {
      const { kind: _kind, ...params } = change;
      if (!(await store.grants.revoke(tx, change.user, change.action, change.account))) return false;
      await store.log.appendIn(tx, { event: 'revoke', actionKey: change.action, ...row, params });
      return true;
    }
    case 'policy': {
      const { kind: _kind, ...params } = change;
      await store.grants.setPolicy(tx, { actionKey: change.action, account: change.account, approvals: change.approvals }, by.id, now);
      await store.log.appendIn(tx, { event: 'policy', actionKey: change.action, ...row, params });
      return true;
    }
    case 'unfreeze': {
      const current = await store.freeze.current(tx);
      if (current === undefined || !(await store.freeze.release(tx, current.since))) return false;
      await store.log.appendIn(tx, { event: 'unfreeze', ...row, params: {} });
      return true;
    }
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/** The user a change is about (who may not approve it), if any. */
export function targetOf(change: AccessChange): string | undefined {
  return change.kind === 'grant' || change.kind === 'revoke' ? change.user : undefined;
}

/**
 * Whether `change`, applied over `before`, takes rights away or leaves them
 * as they were, never adding any: a revoke, a policy row raised (or kept), a
 * re-grant that narrows the role or lowers caps. Such a change is what a desk
 * needs during an incident, so its proposal survives the freeze (and may be
 * made during one); a new grant, a raised cap, a wider role, a lowered policy
 * or a release does not.
 */
export function widensNothing(change: AccessChange, before: Before): boolean {
  switch (change.kind) {
    case 'revoke':
      return true;
    case 'policy':
      return before.kind === 'policy' && change.approvals >= (before.approvals ?? 0);
    case 'grant': {
      const old = before.kind === 'grant' ? before.grant : undefined;
      if (old === undefined) return false;
      const next = grantFromParams(change);
      if (next.role === 'requester' && old.role === 'approver') return false;
      // Every named asset, and one named by neither (what "any other asset" may do).
      const assets = [...new Set([...old.caps, ...next.caps].map((cap) => cap.asset)), '\u0000any other asset'];
      return assets.every((asset) => atMost(limitOf(next, asset), limitOf(old, asset)));
    }
    case 'unfreeze':
      return false;
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/** What a grant lets one asset move: refused, or per-request and daily limits (null: none). */
type Limit = 'refused' | { readonly max: string | null; readonly daily: string | null };

function limitOf(grant: GrantSpec, asset: string): Limit {
  if (grant.caps.length === 0) return { max: null, daily: null };
  if (grant.caps.some((cap) => cap.asset === LEGACY_ANY_ASSET)) return 'refused';
  const cap = grant.caps.find((line) => line.asset === asset);
  return cap === undefined ? 'refused' : { max: cap.maxAmount, daily: cap.dailyMax };
}

function atMost(a: Limit, b: Limit): boolean {
  if (a === 'refused') return true;
  if (b === 'refused') return false;
  const within = (x: string | null, y: string | null) => y === null || (x !== null && compareDecimals(x, y) <= 0);
  return within(a.max, b.max) && within(a.daily, b.daily);
}
