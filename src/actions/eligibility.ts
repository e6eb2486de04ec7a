// Which account can run which command, from its key check (src/binance/key-check.ts)
// and the endpoint's declared needs: the kind of account whose API serves it and
// the key permission it takes. A command routed to an account whose key lacks
// the permission, or whose account is of another kind, is refused before
// Confirm with the permission to enable, instead of failing with -2015 after
// the click. Where Binance could not be read, nothing is guessed: the command
// is allowed, and the confirmation says the key was not checked.
import { ACCOUNT_KIND_LABELS, KEY_PERMISSION_LABELS, supportedKinds, type KeyPermission, type KeyReport } from '../binance/index.ts';
import type { EndpointDeclaration } from './endpoint.ts';

export type Eligibility =
  /** The key check shows the account can run it. */
  | { readonly kind: 'eligible' }
  /** Allowed without a check: Binance could not be read (or the key was never checked). */
  | { readonly kind: 'unchecked'; readonly reason: string }
  /** The key check shows it would fail: refused before Confirm. */
  | { readonly kind: 'ineligible'; readonly reason: string; readonly permission?: KeyPermission | undefined };

/** `"Enable Futures" (enableFutures)`: the label Binance's API Management shows, and the field apiRestrictions reports. */
export function permissionName(permission: KeyPermission): string {
  return `"${KEY_PERMISSION_LABELS[permission]}" (${permission})`;
}

/** Whether `account` (by its latest key check) can run `endpoint`. */
export function eligibilityOf(endpoint: Pick<EndpointDeclaration, 'requires'>, account: string, report: KeyReport | undefined): Eligibility {
  if (report === undefined) return { kind: 'unchecked', reason: `the key of account ${account} has not been checked yet` };
  const { kind, permission } = endpoint.requires;
  const unknowns: string[] = [];
  if (!report.permissions.read) unknowns.push(`its key's permissions could not be read (${report.permissions.reason})`);
  else if (report.permissions.values[permission] === false) {
    return {
      kind: 'ineligible',
      permission,
      reason: `the API key of account ${account} lacks ${permissionName(permission)}: ${permissionHint(permission, report)}`,
    };
  } else if (report.permissions.values[permission] === undefined) unknowns.push(`Binance did not report ${permissionName(permission)} for its key`);
  const probe = report.kinds[kind];
  if (probe.state === 'no') {
    const supported = supportedKinds(report).map((supportedKind) => ACCOUNT_KIND_LABELS[supportedKind]);
    return {
      kind: 'ineligible',
      reason: `account ${account} is not a ${ACCOUNT_KIND_LABELS[kind]} account, which this command needs (${probe.reason}); it is ${supported.length === 0 ? 'none of the kinds the bot uses' : `a ${supported.join(' and ')} account`}`,
    };
  }
  if (probe.state === 'unknown') unknowns.push(`whether it is a ${ACCOUNT_KIND_LABELS[kind]} account could not be read (${probe.reason})`);
  return unknowns.length === 0 ? { kind: 'eligible' } : { kind: 'unchecked', reason: `account ${account}: ${unknowns.join('; ')}` };
}

/** What to do about a missing permission, where Binance's own rules make the plain advice wrong. */
function permissionHint(permission: KeyPermission, report: KeyReport): string {
  if (permission === 'enableFutures' && report.kinds['portfolio-margin'].state === 'yes') {
    return 'Binance removes it from the keys of an account on Portfolio Margin, and it cannot be turned back on there: run this on an account of another kind (a USDⓈ-M futures or Portfolio Margin Pro account)';
  }
  if (permission === 'enablePortfolioMarginTrading') {
    return 'enable it for this key in Binance API Management (a key created before Portfolio Margin was enabled cannot have it: create a new key)';
  }
  return 'enable it for this key in Binance API Management, or run this on another account';
}
