// Changes to who may do what, in words: a headline ("grant `pm.repay-debt` to
// @carol as requester") and BEFORE → AFTER lines built from what the change
// replaces (a proposal's stored basis, or what a root's change found), so a
// checker sees exactly what they approve and everyone sees what a root did.
// Caps and daily limits are a desk's business: these texts show the figures a
// checker must see, and only those the change touches (an untouched asset's
// caps are summed up as "unchanged"); nothing here shows what anyone spent.
// In the language of `t` (English unless told: the announcement's or the reader's).
import type { Before } from '../actions/access-changes.ts';
import { describeCap } from '../actions/caps.ts';
import { english, type Messages } from '../i18n/index.ts';
import { ANY_ACCOUNT, grantFromParams, LEGACY_ANY_ASSET, type AccessChange, type Cap, type GrantSpec } from '../store/index.ts';
import { discordTime } from './render.ts';

/** " on account sub1", or nothing for every account ('*'). */
const on = (account: string, t: Messages) => (account === ANY_ACCOUNT ? '' : t.changes.onAccount({ account }));

/** The change in one line, with the people mentioned. A grant that replaces one is "change the grant …" (its lines say how). */
export function changeText(change: AccessChange, before?: Before, t: Messages = english): string {
  const { changes } = t;
  switch (change.kind) {
    case 'grant': {
      if (before?.kind === 'grant' && before.grant !== undefined) return changes.changeGrant({ action: change.action, on: on(change.account, t), user: change.user });
      const grant = grantFromParams(change);
      const caps = grant.caps.length === 0 ? changes.noCaps : changes.caps({ caps: grant.caps.map((cap) => describeCap(cap, t)).join('; ') });
      return changes.grant({ action: change.action, on: on(change.account, t), user: change.user, role: change.role, caps });
    }
    case 'revoke': {
      const everywhere = before?.kind === 'revoke' && before.grants.some((grant) => grant.account !== ANY_ACCOUNT) && change.account === ANY_ACCOUNT;
      return changes.revoke({ action: change.action, on: everywhere ? changes.onEveryAccount : on(change.account, t), user: change.user });
    }
    case 'policy':
      return change.approvals === 1
        ? changes.policyStrict({ action: change.action, on: on(change.account, t) })
        : changes.policyAlone({ action: change.action, on: on(change.account, t) });
    case 'unfreeze':
      return changes.unfreeze;
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

/** BEFORE → AFTER, one line per thing the change touches: the role, each asset's caps, the policy, the freeze. */
export function beforeAfter(change: AccessChange, before: Before, t: Messages = english): string[] {
  const { changes } = t;
  switch (change.kind) {
    case 'grant':
      return grantLines(before.kind === 'grant' ? before.grant : undefined, grantFromParams(change), t);
    case 'revoke': {
      const grants = before.kind === 'revoke' ? before.grants : [];
      return [
        ...grants.map((grant) => changes.revokeBefore({ role: grant.role, on: on(grant.account, t), capped: cappedAssets(grant, t) })),
        grants.length > 1 ? changes.revokeAfterAll : changes.revokeAfter,
      ];
    }
    case 'policy': {
      const was = before.kind === 'policy' ? before.approvals : undefined;
      const lines = [changes.approvals({ was: was === undefined ? changes.approvalsNotSet : approvalsWords(was, t), now: approvalsWords(change.approvals, t) })];
      if (change.account !== ANY_ACCOUNT) lines.push(changes.stricterHolds({ account: change.account }));
      return lines;
    }
    case 'unfreeze': {
      const since = before.kind === 'unfreeze' ? before.since : undefined;
      return [changes.freeze({ was: since === undefined ? changes.notEngaged : changes.engaged({ since: discordTime(since, 'R') }) })];
    }
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

function approvalsWords(approvals: 0 | 1, t: Messages): string {
  return approvals === 1 ? t.changes.approvalsOne : t.changes.approvalsZero;
}

/** ", with caps on BNB, BTC": which assets a revoked grant capped, not their figures (they go with it). */
function cappedAssets(grant: GrantSpec, t: Messages): string {
  return grant.caps.length === 0 ? '' : t.changes.withCapsOn({ assets: grant.caps.map((cap) => (cap.asset === LEGACY_ANY_ASSET ? t.changes.legacyAsset : cap.asset)).join(', ') });
}

function grantLines(old: GrantSpec | undefined, next: GrantSpec, t: Messages): string[] {
  const { changes } = t;
  if (old === undefined) {
    return [changes.noGrantBefore, changes.grantAfter({ role: next.role, caps: next.caps.length === 0 ? changes.noCapsAny : next.caps.map((cap) => capWords(cap, t)).join('; ') })];
  }
  const lines = [old.role === next.role ? changes.roleUnchanged({ role: next.role }) : changes.role({ was: old.role, now: next.role })];
  const same = (a: Cap | undefined, b: Cap | undefined) => a?.maxAmount === b?.maxAmount && a?.dailyMax === b?.dailyMax;
  const assets = [...new Set([...old.caps, ...next.caps].map((cap) => cap.asset))];
  const touched = assets.filter((asset) => !same(capOf(old, asset), capOf(next, asset)));
  for (const asset of touched) {
    lines.push(
      asset === LEGACY_ANY_ASSET
        ? changes.legacyLine({ what: capOf(next, asset) === undefined ? changes.legacyRemoved : changes.legacyKept })
        : changes.assetLine({ asset, was: standing(old, asset, t), now: standing(next, asset, t) }),
    );
  }
  if ((old.caps.length === 0) !== (next.caps.length === 0)) {
    lines.push(old.caps.length === 0 ? changes.uncappedNowRefused : changes.uncappedNowAny);
  }
  if (touched.length < assets.length) lines.push(changes.otherCapsUnchanged);
  if (capOf(next, LEGACY_ANY_ASSET) !== undefined) lines.push(changes.keepsLegacy);
  if (touched.length === 0 && old.role === next.role) lines.push(changes.nothingElse);
  return lines;
}

function capOf(grant: GrantSpec, asset: string): Cap | undefined {
  return grant.caps.find((cap) => cap.asset === asset);
}

/** What a grant lets `asset` move: its cap, no cap at all, or refused (a capped grant that does not list it). */
function standing(grant: GrantSpec, asset: string, t: Messages): string {
  const cap = capOf(grant, asset);
  if (cap !== undefined) return describeCap(cap, t);
  if (grant.caps.length === 0) return t.changes.noCap;
  return capOf(grant, LEGACY_ANY_ASSET) === undefined ? t.changes.refusedNotListed : t.changes.refusedLegacy;
}

function capWords(cap: Cap, t: Messages): string {
  return cap.asset === LEGACY_ANY_ASSET ? describeCap(cap, t) : `${cap.asset}: ${describeCap(cap, t)}`;
}
