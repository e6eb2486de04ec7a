// Authorization, in one place: who may request, confirm or approve an action.
// The answer comes from the bot's own grants (and BOT_ADMIN_IDS), checked at
// the command and again at every click, never from Discord roles.
import { compareDecimals } from '../decimal.ts';
import type { AmountLimit, Grants } from '../store/index.ts';

export const ADMIN_ACTIONS = ['audit.read', 'access.admin'] as const;

export type AuthDecision = { readonly allowed: true; readonly via: 'admin' | 'grant' } | { readonly allowed: false; readonly reason: string };

export interface AmountRequest {
  readonly asset: string;
  /** undefined: no amount given (e.g. repay the whole loan). */
  readonly amount: string | undefined;
}

export class Authorizer {
  constructor(
    private readonly grants: Grants,
    private readonly admins: ReadonlySet<string>,
  ) {}

  isAdmin(userId: string): boolean {
    return this.admins.has(userId);
  }

  /** Whether `userId` may do `actionKey`, for `amount` when the action moves one. */
  async check(userId: string, actionKey: string, amount?: AmountRequest): Promise<AuthDecision> {
    if (this.admins.has(userId)) return { allowed: true, via: 'admin' };
    const grant = await this.grants.get(userId, actionKey);
    if (grant === undefined) return { allowed: false, reason: `you have not been granted \`${actionKey}\`; ask someone with \`access.admin\` to grant it` };
    if (amount === undefined || grant.limits.length === 0) return { allowed: true, via: 'grant' };
    return withinLimits(actionKey, grant.limits, amount);
  }

  /** Admins and anyone holding at least one grant (e.g. for /status). */
  async isKnownUser(userId: string): Promise<boolean> {
    return this.admins.has(userId) || (await this.grants.hasAny(userId));
  }
}

function withinLimits(actionKey: string, limits: readonly AmountLimit[], request: AmountRequest): AuthDecision {
  const limit = limits.find((line) => line.asset === request.asset) ?? limits.find((line) => line.asset === '*');
  if (limit === undefined) {
    const allowed = limits.map((line) => `${line.asset} (up to ${line.maxAmount})`).join(', ');
    return { allowed: false, reason: `your grant of \`${actionKey}\` covers only ${allowed}, not ${request.asset}` };
  }
  const cap = `${limit.maxAmount} ${limit.asset === '*' ? request.asset : limit.asset}`;
  if (request.amount === undefined) {
    return {
      allowed: false,
      reason: `your grant of \`${actionKey}\` caps ${request.asset} at ${cap}; give an amount (leaving it out repays the whole loan, which may be more)`,
    };
  }
  if (compareDecimals(request.amount, limit.maxAmount) > 0) {
    return { allowed: false, reason: `${request.amount} ${request.asset} is above your cap of ${cap} for \`${actionKey}\`` };
  }
  return { allowed: true, via: 'grant' };
}
