// The rules for changing who may do what (/access grant, revoke, policy).
// Two roots of trust: a root admin (BOT_ADMIN_IDS, who also controls the host)
// changes things at once; a delegated admin (an access.admin holder who is not
// root) proposes, and a second person approves (proposals.ts). Nobody grants
// to, revokes from or caps themselves, roots included. Raising a policy is
// safe and applies at once; lowering one is a proposal unless a root does it.
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
import { applyChange } from './access-changes.ts';
import { who, type Actor } from './actor.ts';
import type { Authorizer } from './authorization.ts';
import type { EndpointDeclaration } from './endpoint.ts';
import { OperatorError } from './errors.ts';
import { recordRefusal } from './refusals.ts';
import { ACCESS_ADMIN, type ProposalService } from './proposals.ts';

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
  | { readonly kind: 'applied'; readonly change: AccessChange; readonly by: Actor }
  | { readonly kind: 'proposed'; readonly change: AccessChange; readonly proposal: Proposal };

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

  /** Sets a user's grant of an action: its role and, optionally, one asset's caps (other assets' caps are kept). */
  async grant(actor: Actor, input: GrantRequest): Promise<AccessResult> {
    const maker = await this.#maker(actor, input.action);
    await this.#refuseSelf(actor, input.user, input.action);
    const role = input.role ?? 'requester';
    const cap = this.#capOf(input, role);
    const account = input.account ?? ANY_ACCOUNT;
    const existing = await this.#options.store.grants.getExact(input.user, input.action, account);
    // A re-grant keeps the other assets' caps; a legacy '*' cap goes (it would refuse everything).
    const caps = (existing?.caps ?? []).filter((line) => line.asset !== LEGACY_ANY_ASSET && line.asset !== cap?.asset);
    const grant: GrantParams = grantToParams({
      userId: input.user,
      actionKey: input.action,
      account,
      role,
      caps: [...caps, ...(cap === undefined ? [] : [cap])].sort((a, b) => a.asset.localeCompare(b.asset)),
    });
    return this.#decide(actor, maker, { kind: 'grant', ...grant }, { needsRoot: input.action === ACCESS_ADMIN });
  }

  async revoke(actor: Actor, input: RevokeRequest): Promise<AccessResult> {
    const maker = await this.#maker(actor, input.action);
    await this.#refuseSelf(actor, input.user, input.action);
    if (this.#options.authorizer.isRoot(input.user)) {
      throw new OperatorError('refused', `<@${input.user}> is in BOT_ADMIN_IDS and holds every action; that can only be changed in the bot's configuration.`);
    }
    const account = input.account ?? ANY_ACCOUNT;
    if ((await this.#options.store.grants.getExact(input.user, input.action, account)) === undefined) {
      throw new OperatorError('invalid', `<@${input.user}> had no grant of \`${input.action}\`${account === ANY_ACCOUNT ? '' : ` on account ${account}`}; nothing changed.`);
    }
    return this.#decide(actor, maker, { kind: 'revoke', user: input.user, action: input.action, account }, { needsRoot: false });
  }

  async policy(actor: Actor, input: PolicyRequest): Promise<AccessResult> {
    const maker = await this.#maker(actor, input.action);
    const account = input.account ?? ANY_ACCOUNT;
    const current = await this.#options.store.grants.approvalsRequired(input.action, account);
    const change: AccessChange = { kind: 'policy', action: input.action, account, approvals: input.approvals };
    // Raising (or confirming) the rule only makes things stricter: any admin may, at once.
    if (input.approvals >= current) return this.#apply(actor, change);
    return this.#decide(actor, maker, change, { needsRoot: false });
  }

  /** A root's change applies now; a delegated admin's is proposed. */
  #decide(actor: Actor, maker: 'root' | 'delegated', change: AccessChange, options: { needsRoot: boolean }): Promise<AccessResult> {
    if (maker === 'root') return this.#apply(actor, change);
    return this.#options.proposals.propose(actor, change, options).then((proposal) => ({ kind: 'proposed' as const, change, proposal }));
  }

  async #apply(actor: Actor, change: AccessChange): Promise<AccessResult> {
    const { store } = this.#options;
    await store.db.transaction((tx) => applyChange(store, tx, change, { by: actor, now: this.#now() }));
    return { kind: 'applied', change, by: actor };
  }

  /** Whether the actor may change access at all, and as what: a root, or a delegated admin (requester role). */
  async #maker(actor: Actor, about: string): Promise<'root' | 'delegated'> {
    const { authorizer, store } = this.#options;
    const decision = await authorizer.check(actor.id, ACCESS_ADMIN, { use: 'request' });
    if (decision.allowed) return decision.via === 'root' ? 'root' : 'delegated';
    await recordRefusal(store, authorizer, { event: 'refused', actionKey: ACCESS_ADMIN, ...who(actor), userId: actor.id, detail: `access change about \`${about}\`: ${decision.reason}` });
    throw new OperatorError('refused', `Refused: ${decision.reason}.`);
  }

  async #refuseSelf(actor: Actor, user: string, action: string): Promise<void> {
    if (actor.id !== user) return;
    await recordRefusal(this.#options.store, this.#options.authorizer, { event: 'refused', actionKey: ACCESS_ADMIN, ...who(actor), userId: actor.id, params: { user, action }, detail: 'a change to their own access' });
    throw new OperatorError(
      'refused',
      'Refused: nobody may grant to, revoke from or cap themselves (root admins included). Another admin must make this change.',
    );
  }

  /** The cap of a grant request, checked: one named asset, on an action that carries an amount. */
  #capOf(input: GrantRequest, role: GrantRole): Cap | undefined {
    const { asset, maxAmount, dailyMax } = input;
    const endpoint = this.#options.endpoints.find((candidate) => candidate.actionKey === input.action);
    if (role === 'approver' && input.action === 'audit.read') {
      throw new OperatorError('invalid', '`audit.read` only reads the log: there is nothing to approve, so it has no `approver` role.');
    }
    if (asset === undefined && maxAmount === undefined && dailyMax === undefined) return undefined;
    if (endpoint?.amount === undefined) {
      const capped = this.#options.endpoints.filter((candidate) => candidate.amount !== undefined).map((candidate) => `\`${candidate.actionKey}\``);
      const policy = endpoint === undefined ? '' : ` To limit it, require a second person: \`/access policy action:${input.action} approvals:1\`.`;
      throw new OperatorError(
        'invalid',
        `\`${input.action}\` carries no amount, so it cannot be capped (caps apply to ${capped.join(', ')}).${policy}`,
      );
    }
    if (asset === LEGACY_ANY_ASSET) {
      throw new OperatorError(
        'invalid',
        '`asset` cannot be `*`: a cap names one asset, so that "100" cannot mean 100 USDT and 100 BTC alike. Grant one cap per asset (run /access grant once for each).',
      );
    }
    if (asset === undefined) throw new OperatorError('invalid', '`asset` is required with `max-amount` and `daily-max`: it names the asset the cap applies to, such as BTC.');
    if (maxAmount === undefined && dailyMax === undefined) {
      throw new OperatorError('invalid', '`asset` needs `max-amount` (per request) or `daily-max` (per rolling 24 hours): it names the asset they cap.');
    }
    if (role === 'approver' && dailyMax !== undefined) {
      throw new OperatorError('invalid', '`daily-max` limits what a requester spends; an `approver` requests nothing. Use `max-amount` to limit what they may approve.');
    }
    return { asset, maxAmount: maxAmount ?? null, dailyMax: dailyMax ?? null };
  }
}
