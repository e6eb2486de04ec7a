// The rules for changing who may do what (/access grant, revoke, policy).
// Two roots of trust: a root admin (BOT_ADMIN_IDS, who also controls the host)
// changes things at once; a delegated admin (an access.admin holder who is not
// root) proposes, and a second person approves (proposals.ts). Nobody grants
// to, revokes from or caps themselves, roots included. Raising a policy is
// safe and applies at once; lowering one (compared with the rule that holds,
// the strictest of the account's row and '*') is a proposal unless a root
// does it. A re-grant changes only what it names: the role stays unless `role`
// is given, and a cap it sets is merged into that asset's existing cap, so
// removing a limit is an explicit act (revoke, then grant anew).
import {
  ANY_ACCOUNT,
  grantToParams,
  LEGACY_ANY_ASSET,
  type AccessChange,
  type Cap,
  type GrantParams,
  type GrantRole,
  type Proposal,
  type Store,
} from '../store/index.ts';
import { applyChange, beforeOf, parseBasis, type Before } from './access-changes.ts';
import { who, type Actor } from './actor.ts';
import { ACCESS_ADMIN, type Authorizer } from './authorization.ts';
import { assertTrail } from './integrity.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { OperatorError } from './errors.ts';
import type { ProposalService } from './proposals.ts';
import { recordRefusal } from './refusals.ts';

export interface GrantRequest {
  readonly user: string;
  readonly action: string;
  readonly account?: string | undefined;
  readonly role?: GrantRole | undefined;
  readonly asset?: string | undefined;
  readonly maxAmount?: string | undefined;
  readonly dailyMax?: string | undefined;
}

export interface RevokeRequest {
  readonly user: string;
  readonly action: string;
  readonly account?: string | undefined;
}

export interface PolicyRequest {
  readonly action: string;
  readonly account?: string | undefined;
  readonly approvals: 0 | 1;
}

/** What became of a change: applied now (announce it), or a proposal waiting for a second person. */
export type AccessResult =
  | { readonly kind: 'applied'; readonly change: AccessChange; readonly before: Before; readonly by: Actor }
  | { readonly kind: 'proposed'; readonly change: AccessChange; readonly before: Before; readonly proposal: Proposal };

export interface AccessServiceOptions {
  readonly store: Store;
  readonly authorizer: Authorizer;
  readonly proposals: ProposalService;
  readonly endpoints: readonly EndpointDeclaration[];
  readonly now?: () => number;
}

export class AccessService {
  readonly #options: AccessServiceOptions;
  readonly #now: () => number;

  constructor(options: AccessServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Sets a user's grant of an action. A re-grant keeps what it does not name:
   * the role (unless `role` is given), every other asset's caps, the half of
   * this asset's cap it does not set, and a legacy '*' cap unless it names an
   * asset cap to replace it.
   */
  async grant(actor: Actor, input: GrantRequest): Promise<AccessResult> {
    const maker = await this.#maker(actor, input.action);
    await this.#refuseSelf(actor, input.user, input.action);
    const account = input.account ?? ANY_ACCOUNT;
    const existing = await this.#options.store.grants.getExact(input.user, input.action, account);
    const role = input.role ?? existing?.role ?? 'requester';
    const cap = this.#capOf(input, role, existing?.caps ?? []);
    const kept = (existing?.caps ?? []).filter((line) => cap === undefined || (line.asset !== LEGACY_ANY_ASSET && line.asset !== cap.asset));
    const grant: GrantParams = grantToParams({
      userId: input.user,
      actionKey: input.action,
      account,
      role,
      caps: [...kept, ...(cap === undefined ? [] : [cap])].sort((a, b) => a.asset.localeCompare(b.asset)),
    });
    return this.#decide(actor, maker, { kind: 'grant', ...grant }, { needsRoot: input.action === ACCESS_ADMIN });
  }

  /**
   * Removes a user's grant of an action. Without `account` ('*') it removes it
   * on every account; on one account only when no '*' row would go on granting
   * it there.
   */
  async revoke(actor: Actor, input: RevokeRequest): Promise<AccessResult> {
    const maker = await this.#maker(actor, input.action);
    await this.#refuseSelf(actor, input.user, input.action);
    const { store, authorizer } = this.#options;
    if (authorizer.isRoot(input.user)) {
      throw new OperatorError('refused', (t) => t.access.revokeRoot({ user: input.user }));
    }
    const account = input.account ?? ANY_ACCOUNT;
    if (account !== ANY_ACCOUNT && (await store.grants.getExact(input.user, input.action, ANY_ACCOUNT)) !== undefined) {
      throw new OperatorError('invalid', (t) => t.access.revokeCoveredByStar({ user: input.user, action: input.action, account }));
    }
    const change: AccessChange = { kind: 'revoke', user: input.user, action: input.action, account };
    const before = await beforeOf(store, store.db, change);
    if (before.kind === 'revoke' && before.grants.length === 0) throw nothingToRevoke(change);
    return this.#decide(actor, maker, change, { needsRoot: false });
  }

  async policy(actor: Actor, input: PolicyRequest): Promise<AccessResult> {
    const maker = await this.#maker(actor, input.action);
    const account = input.account ?? ANY_ACCOUNT;
    // The rule that holds now: on an account, the stricter of its row and '*'. Planting a looser account row is a lowering.
    const current = await this.#options.store.grants.approvalsRequired(input.action, account);
    const change: AccessChange = { kind: 'policy', action: input.action, account, approvals: input.approvals };
    // Raising (or confirming) the rule only makes things stricter: any admin may, at once.
    if (input.approvals >= current) return this.#apply(actor, change);
    return this.#decide(actor, maker, change, { needsRoot: false });
  }

  /** A root's change applies now; a delegated admin's is proposed. */
  #decide(actor: Actor, maker: 'root' | 'delegated', change: AccessChange, options: { needsRoot: boolean }): Promise<AccessResult> {
    if (maker === 'root') return this.#apply(actor, change);
    return this.#options.proposals
      .propose(actor, change, options)
      .then((proposal) => ({ kind: 'proposed' as const, change, before: parseBasis(change, proposal.basisJson), proposal }));
  }

  /** Applies `change` at once, reading what it replaces in the same transaction (announced as BEFORE → AFTER). */
  async #apply(actor: Actor, change: AccessChange): Promise<AccessResult> {
    const { store } = this.#options;
    const before = await store.db.transaction(async (tx) => {
      await assertTrail(store, tx);
      const read = await beforeOf(store, tx, change);
      return (await applyChange(store, tx, change, { by: actor, now: this.#now() })) ? read : undefined;
    });
    // A revoke whose grant someone removed a moment ago: nothing happened, so nothing is announced.
    if (before === undefined) throw nothingToRevoke(change);
    return { kind: 'applied', change, before, by: actor };
  }

  /** Whether the actor may change access at all, and as what: a root, or a delegated admin (requester role). */
  async #maker(actor: Actor, about: string): Promise<'root' | 'delegated'> {
    const { authorizer, store } = this.#options;
    const decision = await authorizer.check(actor.id, ACCESS_ADMIN, { use: 'request' });
    if (decision.allowed) return decision.via === 'root' ? 'root' : 'delegated';
    const { says: reason } = decision;
    await recordRefusal(store, authorizer, { event: 'refused', actionKey: ACCESS_ADMIN, ...who(actor), userId: actor.id, detail: `access change about \`${about}\`: ${decision.reason}` });
    throw new OperatorError('refused', (t) => t.common.refused({ reason: reason(t) }));
  }

  async #refuseSelf(actor: Actor, user: string, action: string): Promise<void> {
    if (actor.id !== user) return;
    await recordRefusal(this.#options.store, this.#options.authorizer, { event: 'refused', actionKey: ACCESS_ADMIN, ...who(actor), userId: actor.id, params: { user, action }, detail: 'a change to their own access' });
    throw new OperatorError('refused', (t) => t.access.notYourself);
  }

  /**
   * The cap of a grant request, checked (one named asset, on an action that
   * carries an amount) and merged with that asset's existing cap: a limit it
   * does not set stays as it was.
   */
  #capOf(input: GrantRequest, role: GrantRole, existing: readonly Cap[]): Cap | undefined {
    const { asset, maxAmount, dailyMax } = input;
    const endpoint = this.#options.endpoints.find((candidate) => candidate.actionKey === input.action);
    if (role === 'approver' && input.action === 'audit.read') {
      throw new OperatorError('invalid', (t) => t.access.auditReadNoApprover);
    }
    if (asset === undefined && maxAmount === undefined && dailyMax === undefined) return undefined;
    if (endpoint?.amount === undefined) {
      const capped = this.#options.endpoints.filter((candidate) => candidate.amount !== undefined).map((candidate) => `\`${candidate.actionKey}\``);
      const { action } = input;
      throw new OperatorError('invalid', (t) => {
        const refusal = t.access.noAmount({ action, capped: capped.join(', ') });
        return endpoint === undefined ? refusal : `${refusal}${t.access.noAmountPolicy({ action })}`;
      });
    }
    if (asset === LEGACY_ANY_ASSET) {
      throw new OperatorError('invalid', (t) => t.access.assetStar);
    }
    if (asset === undefined) throw new OperatorError('invalid', (t) => t.access.assetRequired);
    if (maxAmount === undefined && dailyMax === undefined) {
      throw new OperatorError('invalid', (t) => t.access.assetNeedsCap);
    }
    if (role === 'approver' && dailyMax !== undefined) {
      throw new OperatorError('invalid', (t) => t.access.approverNoDaily);
    }
    const old = existing.find((line) => line.asset === asset);
    return { asset, maxAmount: maxAmount ?? old?.maxAmount ?? null, dailyMax: dailyMax ?? old?.dailyMax ?? null };
  }
}

function nothingToRevoke(change: AccessChange): OperatorError {
  if (change.kind !== 'revoke') return new OperatorError('invalid', (t) => t.access.nothingToApply);
  const { user, action, account } = change;
  return new OperatorError('invalid', (t) =>
    account === ANY_ACCOUNT ? t.access.nothingToRevoke({ user, action }) : t.access.nothingToRevokeOn({ user, action, account }),
  );
}
