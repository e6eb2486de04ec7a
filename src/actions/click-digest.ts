// A digest of what a button was posted for, carried in its custom_id. Discord
// keeps a message's buttons as the bot posted them; someone who can write the
// database (but cannot post as the bot) cannot change them. So a click carries,
// from outside the database, a fingerprint of the request (or proposal) it was
// shown: at the click the bot recomputes it from the request rebuilt from the
// declaration and the hash-checked log, and a difference means the stored
// request and its log row were rewritten together (possible without
// AUDIT_LOG_KEY): nothing is sent. It holds no secret and needs no key: it is
// SHA-256 over a canonical list, cut to 16 bytes (22 characters), which keeps
// the custom_id within Discord's 100.
import { createHash } from 'node:crypto';
import type { Said } from '../i18n/index.ts';
import type { AccessChange } from '../store/index.ts';

/** Length of a digest in a custom_id (base64url of 16 bytes). */
export const DIGEST_LENGTH = 22;

/**
 * What a click is checked against: the digest its button carried; null when
 * it carried none (greyed out, or an older version's button), which confirms
 * and approves nothing; undefined when the caller is not a button (tests,
 * scripts), which skips this one check.
 */
export type ClickDigest = string | null | undefined;

/** The refusal of a Confirm or Approve whose button carried no digest. */
export const UNCHECKABLE_BUTTON: Said = (t) => t.pipeline.uncheckableButton;

/** What a Confirm, Cancel, Approve or Reject button of an action is bound to. */
export interface ActionFingerprint {
  readonly actionKey: string;
  readonly requesterId: string;
  readonly account: string;
  readonly family: string;
  readonly method: string;
  readonly path: string;
  /** The parameters as encoded on the wire (before timestamp and signature). */
  readonly params: string;
  readonly target: { readonly baseUrl: string; readonly dryRun: boolean };
  readonly amount: { readonly asset: string; readonly amount: string | null } | null;
  readonly approvalsRequired: 0 | 1;
  /** Until when this button may be used: the request's window, or the approval window. */
  readonly expiresAt: number;
}

/** What an Approve or Reject button of a proposal is bound to. */
export interface ProposalFingerprint {
  readonly makerId: string;
  readonly targetUserId: string | null;
  readonly change: AccessChange;
  readonly needsRoot: boolean;
  readonly expiresAt: number;
}

export function actionDigest(print: ActionFingerprint): string {
  return digest([
    'action',
    print.actionKey,
    print.requesterId,
    print.account,
    print.family,
    print.method,
    print.path,
    print.params,
    print.target.baseUrl,
    print.target.dryRun,
    print.amount?.asset ?? null,
    print.amount?.amount ?? null,
    print.approvalsRequired,
    print.expiresAt,
  ]);
}

export function proposalDigest(print: ProposalFingerprint): string {
  return digest(['proposal', print.change.kind, print.makerId, print.targetUserId, canonicalJson(print.change), print.needsRoot, print.expiresAt]);
}

function digest(values: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest().subarray(0, 16).toString('base64url');
}

/** A value as JSON with its keys sorted: the same change always reads the same, whatever built it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}
