// Applying a change to who may do what: a grant, a revoke, a policy or the
// release of the freeze. Whether it comes from a root admin (at once) or from
// an approved proposal, it goes through applyChange, which writes the table
// and the one log row a replay needs (shapes in src/store/change-log.ts),
// inside the caller's transaction.
import {
  grantFromParams,
  grantToParams,
  type AccessChange,
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

/**
 * The part of the current state a change replaces. A proposal records it; its
 * approval applies the change only if it is still the same, so what the
 * checker saw is what happens (a root's change in between voids the proposal).
 */
export async function basisOf(store: Store, q: Queries, change: AccessChange): Promise<string> {
  switch (change.kind) {
    case 'grant':
    case 'revoke': {
      const grant = await store.grants.getExact(change.user, change.action, change.account, q);
      return JSON.stringify(grant === undefined ? null : grantToParams(grant));
    }
    case 'policy':
      return JSON.stringify((await store.grants.policyExact(change.action, change.account, q)) ?? null);
    case 'unfreeze':
      return JSON.stringify((await store.freeze.current(q))?.since ?? null);
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
