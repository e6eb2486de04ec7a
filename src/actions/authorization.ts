// Authorization, in one place: who may request, confirm, approve or reject an
// action. The answer comes from the bot's own grants (and BOT_ADMIN_IDS, the
// roots), checked at the command and again at every click, never from Discord
// roles. A grant's role says what it allows: a requester may request and
// approve others' requests; an approver may only approve or reject. Where an
// account's row and the '*' row both apply, the strictest of them holds
// (Grants.get): an account row can narrow a right, never widen it.
import { inEnglish, type Said } from '../i18n/index.ts';
import { ANY_ACCOUNT, type EffectiveGrant, type Grants, type Queries } from '../store/index.ts';
import { checkPerRequest, type AmountRequest } from './caps.ts';

export const ADMIN_ACTIONS = ['audit.read', 'access.admin'] as const;
/** Who may change who may do what; also the action key of every proposal's lifecycle rows. */
export const ACCESS_ADMIN = 'access.admin';

/** What someone wants to do with an action. */
export type Use = 'request' | 'approve';

/** Why someone was allowed: as a root admin, or by a grant (logged as "on what right"). */
export type Right = { readonly via: 'root' } | { readonly via: 'grant'; readonly grant: EffectiveGrant };

/** A refusal's reason in English (the log's `detail`) and as said to the person refused, in their language. */
export type AuthDecision = ({ readonly allowed: true } & Right) | { readonly allowed: false; readonly reason: string; readonly says: Said };

function refusal(says: Said): AuthDecision {
  return { allowed: false, reason: inEnglish(says), says };
}

export interface CheckOptions {
  /** The Binance account the action runs on (default: every account, '*'). */
  readonly account?: string;
  readonly use?: Use;
  /** The amount the grant's per-request caps apply to, when the action moves one. */
  readonly amount?: AmountRequest | undefined;
  /** The transaction to read in, to decide inside it (a click's claim re-checks there). */
  readonly q?: Queries;
}

export class Authorizer {
  constructor(
    private readonly grants: Grants,
    private readonly roots: ReadonlySet<string>,
  ) {}

  /** BOT_ADMIN_IDS: they control the host and hold every action. */
  isRoot(userId: string): boolean {
    return this.roots.has(userId);
  }

  /** Whether `userId` may `use` `actionKey` on `account`, for `amount` when the action moves one. */
  async check(userId: string, actionKey: string, options: CheckOptions = {}): Promise<AuthDecision> {
    if (this.roots.has(userId)) return { allowed: true, via: 'root' };
    const grant = await this.grants.get(userId, actionKey, options.account ?? ANY_ACCOUNT, options.q);
    if (grant === undefined) return refusal((t) => t.auth.notGranted({ actionKey }));
    if ((options.use ?? 'request') === 'request' && grant.role === 'approver') return refusal((t) => t.auth.approverOnly({ actionKey }));
    if (options.amount !== undefined) {
      const caps = checkPerRequest(actionKey, grant, options.amount);
      if (!caps.ok) return refusal(caps.reason);
    }
    return { allowed: true, via: 'grant', grant };
  }

  /** Roots and anyone holding at least one grant (e.g. for /status and /freeze on). */
  async isKnownUser(userId: string, q?: Queries): Promise<boolean> {
    return this.roots.has(userId) || (await this.grants.hasAny(userId, q));
  }
}

/** "as a root admin (BOT_ADMIN_IDS)", "as approver of `pm.repay-debt`": for the log's detail. */
export function describeRight(right: Right): string {
  if (right.via === 'root') return 'as a root admin (BOT_ADMIN_IDS)';
  const { grant } = right;
  return `as ${grant.role} of \`${grant.actionKey}\`${grant.account === ANY_ACCOUNT ? '' : ` on account ${grant.account}`}`;
}
