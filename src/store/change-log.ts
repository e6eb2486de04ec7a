// The log rows that record changes to who may do what, shaped so that grants,
// policies and the freeze can be REPLAYED from the log alone (applying every
// change row in order rebuilds the tables). Only an APPLIED change writes one
// of these rows; a proposal writes its own lifecycle rows, and its change row
// follows only when it is approved.
//
// Row shapes (columns of action_log; params_json is the params below):
//
//   event      action_key        action_id     user_id / user_tag         params            detail
//   grant      the granted key   proposal id¹  who applied it²            GrantParams       proposal¹
//   revoke     the revoked key   proposal id¹  who applied it²            RevokeParams      proposal¹
//   policy     the action key    proposal id¹  who applied it²            PolicyParams      proposal¹
//   freeze     —                 —             who engaged it             FreezeParams      —
//   unfreeze   —                 proposal id¹  who released it²          UnfreezeParams    proposal¹
//   proposed   access.admin      proposal id   the maker                  ProposedParams    —
//   approved   access.admin      proposal id   the checker                —                 on what right
//   rejected   access.admin      proposal id   the checker                —                 on what right
//   cancelled  access.admin      proposal id   the maker, or who froze    —                 why
//   expired    access.admin      proposal id   the maker                  —                 —
//
//   ¹ only when the change was applied by approving a proposal: action_id is the
//     proposal, detail reads "proposal <id>: proposed by <maker> (<id>), approved by
//     <checker> (<id>)". A root admin's change applies at once: no action_id.
//   ² the root admin who made it, or the checker whose approval applied it.
//
// GrantParams is the whole resulting grant, not the difference: replaying a
// `grant` row replaces the grant (role and every cap) of (user, action, account).
// A `revoke` row on account '*' removed the user's rows of the action on every
// account; on a named account, that account's row only.
// A `freeze` row's at_ms is within milliseconds of the freeze's `since` (each
// reads the clock once); compare its reason and who engaged it.
//
// Rows written before migration 6 have older shapes (schemas legacy* below),
// all for account '*' and role requester: `grant` {user, action, limit?:
// {asset, maxAmount}} ADDED or replaced one asset's per-request cap (asset '*'
// meant every asset; such a cap now refuses amounts), `revoke` {user, action},
// `policy` {action, approvals}. A replay applies them with those meanings
// (changeRowShapes reads either; derived-state.ts replays them for verify-log).
import { z } from 'zod';
import { GRANT_ROLES, type Cap, type GrantSpec } from './grants.ts';

const decimal = z.string().regex(/^\d+(\.\d+)?$/);

export const grantParams = z.object({
  user: z.string(),
  action: z.string(),
  account: z.string(),
  role: z.enum(GRANT_ROLES),
  caps: z.array(z.object({ asset: z.string(), maxAmount: decimal.optional(), dailyMax: decimal.optional() })),
});
export const revokeParams = z.object({ user: z.string(), action: z.string(), account: z.string() });
export const policyParams = z.object({ action: z.string(), account: z.string(), approvals: z.union([z.literal(0), z.literal(1)]) });
export const freezeParams = z.object({ reason: z.string() });
export const unfreezeParams = z.object({});

export type GrantParams = z.infer<typeof grantParams>;
export type RevokeParams = z.infer<typeof revokeParams>;
export type PolicyParams = z.infer<typeof policyParams>;
export type FreezeParams = z.infer<typeof freezeParams>;
export type UnfreezeParams = z.infer<typeof unfreezeParams>;

/** The shapes of rows written before migration 6 (see the header). */
export const legacyGrantParams = z.object({ user: z.string(), action: z.string(), limit: z.object({ asset: z.string(), maxAmount: decimal }).optional() });
export const legacyRevokeParams = z.object({ user: z.string(), action: z.string() });
export const legacyPolicyParams = z.object({ action: z.string(), approvals: z.union([z.literal(0), z.literal(1)]) });

/** A change row as a replay reads it: its current shape, or (for rows before migration 6) the legacy one, account '*'. */
export type ChangeRowShape =
  | ({ readonly kind: 'grant' } & GrantParams)
  | { readonly kind: 'legacy-grant'; readonly user: string; readonly action: string; readonly limit?: { readonly asset: string; readonly maxAmount: string } | undefined }
  | ({ readonly kind: 'revoke' } & RevokeParams)
  | ({ readonly kind: 'policy' } & PolicyParams)
  | ({ readonly kind: 'freeze' } & FreezeParams)
  | { readonly kind: 'unfreeze' };

/** Reads the params of a grant, revoke, policy, freeze or unfreeze row; undefined when no shape the bot wrote fits. */
export function changeRowShapes(event: string, params: unknown): ChangeRowShape | undefined {
  const first = <T>(...results: Array<{ success: boolean; data?: T }>): T | undefined => results.find((result) => result.success)?.data;
  switch (event) {
    case 'grant': {
      const current = grantParams.safeParse(params);
      if (current.success) return { kind: 'grant', ...current.data };
      const legacy = legacyGrantParams.safeParse(params);
      return legacy.success ? { kind: 'legacy-grant', ...legacy.data } : undefined;
    }
    case 'revoke': {
      const revoke = first(revokeParams.safeParse(params), legacyRevokeParams.transform((legacy) => ({ ...legacy, account: '*' })).safeParse(params));
      return revoke === undefined ? undefined : { kind: 'revoke', ...revoke };
    }
    case 'policy': {
      const policy = first(policyParams.safeParse(params), legacyPolicyParams.transform((legacy) => ({ ...legacy, account: '*' })).safeParse(params));
      return policy === undefined ? undefined : { kind: 'policy', ...policy };
    }
    case 'freeze': {
      const freeze = freezeParams.safeParse(params);
      return freeze.success ? { kind: 'freeze', ...freeze.data } : undefined;
    }
    case 'unfreeze':
      return { kind: 'unfreeze' };
    default:
      return undefined;
  }
}

/** A change someone asked for: applied at once, or held as a proposal until approved. */
export const accessChange = z.discriminatedUnion('kind', [
  grantParams.extend({ kind: z.literal('grant') }),
  revokeParams.extend({ kind: z.literal('revoke') }),
  policyParams.extend({ kind: z.literal('policy') }),
  unfreezeParams.extend({ kind: z.literal('unfreeze') }),
]);
export type AccessChange = z.infer<typeof accessChange>;
export type AccessChangeKind = AccessChange['kind'];

/** The params of a `proposed` row: the change, and who must be among the two people. */
export const proposedParams = z.object({ change: accessChange, needsRoot: z.boolean(), expiresAt: z.number() });
export type ProposedParams = z.infer<typeof proposedParams>;

/** A grant as its log params (absent caps fields are left out, not null). */
export function grantToParams(grant: GrantSpec): GrantParams {
  return {
    user: grant.userId,
    action: grant.actionKey,
    account: grant.account,
    role: grant.role,
    caps: grant.caps.map((cap) => ({
      asset: cap.asset,
      ...(cap.maxAmount === null ? {} : { maxAmount: cap.maxAmount }),
      ...(cap.dailyMax === null ? {} : { dailyMax: cap.dailyMax }),
    })),
  };
}

export function grantFromParams(params: GrantParams): GrantSpec {
  return {
    userId: params.user,
    actionKey: params.action,
    account: params.account,
    role: params.role,
    caps: params.caps.map((cap): Cap => ({ asset: cap.asset, maxAmount: cap.maxAmount ?? null, dailyMax: cap.dailyMax ?? null })),
  };
}
