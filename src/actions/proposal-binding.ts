// What an access proposal is bound to, and the check that holds its Approve to
// it. As with a pending action (binding.ts), the proposals row is never
// trusted by itself: someone who can write the database could turn "grant
// alice pm.repay-debt, 100 USDT" into "grant mallory access.admin", or name
// someone else as its maker and approve it themselves. The `proposed` log row
// records the change, whether a root admin must take part and the expiry,
// under the row's hash (an HMAC under AUDIT_LOG_KEY), with the maker as its
// user. At the Approve, the row is compared with it field by field, the
// change applied is the LOGGED one, and the button's digest (click-digest.ts)
// must be the logged proposal's. A difference closes the proposal as
// tampered: nothing changes, and a `tamper` row says what differed.
import { proposedParams, type AccessChange, type Proposal, type Queries, type Store } from '../store/index.ts';
import { targetOf } from './access-changes.ts';
import { clipStored } from './binding.ts';
import { who, type Actor } from './actor.ts';
import { ACCESS_ADMIN } from './authorization.ts';
import { canonicalJson, proposalDigest } from './click-digest.ts';
// The same closed_reason as a tampered action's (STORED_REASONS in explain.ts says it again in the reader's language).
import { TAMPERED } from './tamper.ts';
import { parseJsonText } from '../json-text.ts';

/** A proposal as its `proposed` row recorded it: what an approval applies. */
export interface LoggedProposal {
  readonly change: AccessChange;
  readonly makerId: string;
  readonly makerTag: string;
  readonly needsRoot: boolean;
  readonly expiresAt: number;
}

export type ProposalVerdict = { readonly ok: true; readonly logged: LoggedProposal } | { readonly ok: false; readonly findings: readonly string[] };

/** Events after which a proposal is closed in the log. */
const CLOSING = new Set(['approved', 'rejected', 'cancelled', 'expired', 'tamper']);

/** The digest a proposal's buttons carry. */
export function digestOfProposal(logged: LoggedProposal): string {
  return proposalDigest({ makerId: logged.makerId, targetUserId: targetOf(logged.change) ?? null, change: logged.change, needsRoot: logged.needsRoot, expiresAt: logged.expiresAt });
}

/** Checks `proposal` (as read in `q`) against its log rows, and against the digest its button carries when given. */
export async function checkProposal(store: Store, q: Queries, proposal: Proposal, digest?: string): Promise<ProposalVerdict> {
  const checked = await store.log.checkedRowsOf(q, proposal.id);
  if (!checked.ok) return { ok: false, findings: [`log row ${checked.seq} about this proposal fails its hash check: ${checked.reason}`] };
  const { rows } = checked;
  const gone = (store.trail.rowsSeen(proposal.id) ?? []).filter((seen) => !rows.some((row) => row.seq === seen.seq && row.hash === seen.hash));
  if (gone.length > 0) return { ok: false, findings: [`the log rows ${gone.map((row) => `${row.seq} (${row.event})`).join(', ')} about this proposal, checked earlier by this bot process, are gone or changed`] };
  const proposed = rows.filter((row) => row.event === 'proposed');
  const [row] = proposed;
  if (row === undefined || proposed.length > 1) return { ok: false, findings: [row === undefined ? 'no "proposed" row in the log for this proposal' : `${proposed.length} "proposed" rows in the log`] };
  const params = proposedParams.safeParse(parseJsonText(row.params_json));
  if (!params.success || row.user_id === null) return { ok: false, findings: ['its "proposed" row does not record the change in the shape this version checks: make the change again'] };
  const logged: LoggedProposal = { change: params.data.change, makerId: row.user_id, makerTag: row.user_tag ?? row.user_id, needsRoot: params.data.needsRoot, expiresAt: params.data.expiresAt };
  const findings: string[] = [];
  const closing = rows.find((candidate) => CLOSING.has(candidate.event));
  if (closing !== undefined) findings.push(`the log already closed this proposal (row ${closing.seq}: ${closing.event})`);
  const pairs: ReadonlyArray<readonly [string, unknown, unknown]> = [
    ['kind', proposal.kind, logged.change.kind],
    ['change', canonicalJson(parseJsonText(proposal.changeJson) ?? null), canonicalJson(logged.change)],
    ['maker', proposal.makerId, logged.makerId],
    ['maker_tag', proposal.makerTag, logged.makerTag],
    ['target', proposal.targetUserId, targetOf(logged.change) ?? null],
    ['needs_root', proposal.needsRoot, logged.needsRoot],
    ['expires_at', proposal.expiresAt, logged.expiresAt],
  ];
  for (const [field, was, log] of pairs) if (was !== log) findings.push(`${field}: stored ${clipStored(String(was))}, logged ${clipStored(String(log))}`);
  if (digest !== undefined && digest !== digestOfProposal(logged)) findings.push('the button clicked was posted for another proposal than the one logged (its digest differs)');
  return findings.length > 0 ? { ok: false, findings } : { ok: true, logged };
}

/** Closes a tampered proposal in `tx` and writes its `tamper` row; nothing changes. */
export async function closeTamperedProposal(store: Store, tx: Queries, proposal: Proposal, by: Actor, findings: readonly string[], now: number): Promise<void> {
  await store.proposals.cancel(tx, proposal.id, TAMPERED, now);
  await store.log.appendIn(tx, { event: 'tamper', actionId: proposal.id, actionKey: ACCESS_ADMIN, ...who(by), detail: `nothing changed: ${findings.join('; ')}` });
}
