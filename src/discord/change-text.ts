// Changes to who may do what, in words: a headline ("grant `pm.repay-debt` to
// @carol as requester") and BEFORE → AFTER lines built from what the change
// replaces (a proposal's stored basis, or what a root's change found), so a
// checker sees exactly what they approve and everyone sees what a root did.
// Caps and daily limits are a desk's business: these texts show the figures a
// checker must see, and only those the change touches (an untouched asset's
// caps are summed up as "unchanged"); nothing here shows what anyone spent.
import type { Before } from '../actions/access-changes.ts';
import { describeCap } from '../actions/caps.ts';
import { ANY_ACCOUNT, grantFromParams, LEGACY_ANY_ASSET, type AccessChange, type Cap, type GrantSpec } from '../store/index.ts';
import { discordTime } from './render.ts';

const on = (account: string) => (account === ANY_ACCOUNT ? '' : ` on account ${account}`);

/** The change in one line, with the people mentioned. A grant that replaces one is "change the grant …" (its lines say how). */
export function changeText(change: AccessChange, before?: Before): string {
  switch (change.kind) {
    case 'grant': {
      if (before?.kind === 'grant' && before.grant !== undefined) return `change the grant of \`${change.action}\`${on(change.account)} held by <@${change.user}>`;
      const grant = grantFromParams(change);
      const caps = grant.caps.length === 0 ? 'no caps' : `caps: ${grant.caps.map(describeCap).join('; ')}`;
      return `grant \`${change.action}\`${on(change.account)} to <@${change.user}> as ${change.role} (${caps})`;
    }
    case 'revoke': {
      const everywhere = before?.kind === 'revoke' && before.grants.some((grant) => grant.account !== ANY_ACCOUNT) && change.account === ANY_ACCOUNT;
      return `revoke \`${change.action}\`${everywhere ? ' on every account' : on(change.account)} from <@${change.user}>`;
    }
    case 'policy':
      return change.approvals === 1
        ? `require a second person to approve \`${change.action}\`${on(change.account)} (approvals: 1)`
        : `let \`${change.action}\`${on(change.account)} run on its requester's confirmation alone (approvals: 0)`;
    case 'unfreeze':
      return 'release the freeze';
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/** BEFORE → AFTER, one line per thing the change touches: the role, each asset's caps, the policy, the freeze. */
export function beforeAfter(change: AccessChange, before: Before): string[] {
  switch (change.kind) {
    case 'grant':
      return grantLines(before.kind === 'grant' ? before.grant : undefined, grantFromParams(change));
    case 'revoke': {
      const grants = before.kind === 'revoke' ? before.grants : [];
      return [...grants.map((grant) => `Before: ${grant.role}${on(grant.account)}${cappedAssets(grant)}`), `After: no grant${grants.length > 1 ? ' on any account' : ''}`];
    }
    case 'policy': {
      const was = before.kind === 'policy' ? before.approvals : undefined;
      const lines = [`Approvals: ${was === undefined ? 'not set (0)' : approvalsWords(was)} → ${approvalsWords(change.approvals)}`];
      if (change.account !== ANY_ACCOUNT) lines.push(`On account ${change.account} the stricter of this row and the rule for every account (*) holds.`);
      return lines;
    }
    case 'unfreeze': {
      const since = before.kind === 'unfreeze' ? before.since : undefined;
      return [`Freeze: ${since === undefined ? 'not engaged' : `engaged ${discordTime(since, 'R')}`} → released`];
    }
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

function approvalsWords(approvals: 0 | 1): string {
  return approvals === 1 ? '1 (a second person must approve)' : '0 (the requester alone)';
}

/** ", with caps on BNB, BTC": which assets a revoked grant capped, not their figures (they go with it). */
function cappedAssets(grant: GrantSpec): string {
  return grant.caps.length === 0 ? '' : `, with caps on ${grant.caps.map((cap) => (cap.asset === LEGACY_ANY_ASSET ? 'every asset (legacy *)' : cap.asset)).join(', ')}`;
}

function grantLines(old: GrantSpec | undefined, next: GrantSpec): string[] {
  if (old === undefined) {
    return ['Before: no grant', `After: ${next.role}; ${next.caps.length === 0 ? 'no caps (any asset, any amount)' : next.caps.map(capWords).join('; ')}`];
  }
  const lines = [old.role === next.role ? `Role: ${next.role} (unchanged)` : `Role: ${old.role} → ${next.role}`];
  const same = (a: Cap | undefined, b: Cap | undefined) => a?.maxAmount === b?.maxAmount && a?.dailyMax === b?.dailyMax;
  const assets = [...new Set([...old.caps, ...next.caps].map((cap) => cap.asset))];
  const touched = assets.filter((asset) => !same(capOf(old, asset), capOf(next, asset)));
  for (const asset of touched) {
    lines.push(
      asset === LEGACY_ANY_ASSET
        ? `Legacy cap on every asset (*), which refuses every amount: ${capOf(next, asset) === undefined ? 'removed (replaced by named caps)' : 'kept'}`
        : `${asset}: ${standing(old, asset)} → ${standing(next, asset)}`,
    );
  }
  if ((old.caps.length === 0) !== (next.caps.length === 0)) {
    lines.push(`Assets without a cap of their own: ${old.caps.length === 0 ? 'any amount → refused' : 'refused → any amount'}`);
  }
  if (touched.length < assets.length) lines.push('Caps of the other assets: unchanged');
  if (capOf(next, LEGACY_ANY_ASSET) !== undefined) {
    lines.push('⚠️ It keeps the legacy cap on every asset (*) from an older version: amounts stay refused until it is re-granted with a named asset (asset:… max-amount:…).');
  }
  if (touched.length === 0 && old.role === next.role) lines.push('Nothing else changes.');
  return lines;
}

function capOf(grant: GrantSpec, asset: string): Cap | undefined {
  return grant.caps.find((cap) => cap.asset === asset);
}

/** What a grant lets `asset` move: its cap, no cap at all, or refused (a capped grant that does not list it). */
function standing(grant: GrantSpec, asset: string): string {
  const cap = capOf(grant, asset);
  if (cap !== undefined) return describeCap(cap);
  if (grant.caps.length === 0) return 'no cap';
  return capOf(grant, LEGACY_ANY_ASSET) === undefined ? 'refused (not among its capped assets)' : 'refused (legacy cap on every asset)';
}

function capWords(cap: Cap): string {
  return cap.asset === LEGACY_ANY_ASSET ? describeCap(cap) : `${cap.asset}: ${describeCap(cap)}`;
}
