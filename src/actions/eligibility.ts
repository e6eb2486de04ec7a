// Which account can run which command, from its key check (src/binance/key-check.ts)
// and the endpoint's declared needs: the kind of account whose API serves it and
// the key permission it takes. A command routed to an account whose key lacks
// the permission, or whose account is of another kind, is refused before
// Confirm with the permission to enable, instead of failing with -2015 after
// the click. Where Binance could not be read, nothing is guessed: the command
// is allowed, and the confirmation says the key was not checked. The reasons
// are Said: the refused reader sees them in their language, the log in English.
import { supportedKinds, type KeyPermission, type KeyReport } from '../binance/index.ts';
import type { Messages, Said } from '../i18n/index.ts';
import type { EndpointDeclaration } from './endpoint.ts';

export type Eligibility =
  /** The key check shows the account can run it. */
  | { readonly kind: 'eligible' }
  /** Allowed without a check: Binance could not be read (or the key was never checked). */
  | { readonly kind: 'unchecked'; readonly reason: Said }
  /** The key check shows it would fail: refused before Confirm. */
  | { readonly kind: 'ineligible'; readonly reason: Said; readonly permission?: KeyPermission | undefined };

/** `"Enable Futures" (enableFutures)`: the label Binance's API Management shows, and the field apiRestrictions reports. */
export function permissionName(permission: KeyPermission, t: Messages): string {
  return t.keys.permissionName({ label: t.keys.permissions[permission], field: permission });
}

/** Whether `account` (by its latest key check) can run `endpoint`. */
export function eligibilityOf(endpoint: Pick<EndpointDeclaration, 'requires'>, account: string, report: KeyReport | undefined): Eligibility {
  if (report === undefined) return { kind: 'unchecked', reason: (t) => t.accounts.eligibility.notChecked({ account }) };
  const { kind, permission } = endpoint.requires;
  const unknowns: Said[] = [];
  if (!report.permissions.read) {
    const { reason } = report.permissions;
    unknowns.push((t) => t.accounts.eligibility.permissionsUnread({ reason }));
  } else if (report.permissions.values[permission] === false) {
    const hint = permissionHint(permission, report);
    return {
      kind: 'ineligible',
      permission,
      reason: (t) => t.accounts.eligibility.lacks({ account, permission: permissionName(permission, t), hint: hint(t) }),
    };
  } else if (report.permissions.values[permission] === undefined) {
    unknowns.push((t) => t.accounts.eligibility.notReported({ permission: permissionName(permission, t) }));
  }
  const probe = report.kinds[kind];
  if (probe.state === 'no') {
    const supported = supportedKinds(report);
    const { reason } = probe;
    return {
      kind: 'ineligible',
      reason: (t) => {
        const e = t.accounts.eligibility;
        const it = supported.length === 0 ? e.noKnownKind : e.kindList({ kinds: supported.map((supportedKind) => t.keys.kinds[supportedKind]).join(e.and) });
        return e.wrongKind({ account, kind: t.keys.kinds[kind], reason, supported: it });
      },
    };
  }
  if (probe.state === 'unknown') {
    const { reason } = probe;
    unknowns.push((t) => t.accounts.eligibility.kindUnread({ kind: t.keys.kinds[kind], reason }));
  }
  if (unknowns.length === 0) return { kind: 'eligible' };
  return {
    kind: 'unchecked',
    reason: (t) => t.accounts.eligibility.unchecked({ account, unknowns: unknowns.map((unknown) => unknown(t)).join(t.accounts.eligibility.separator) }),
  };
}

/**
 * Why `account` (by its latest key check) cannot read the state `endpoint`
 * changes, or undefined when it can or nothing is known: an account of
 * another kind (the API that serves the command does not serve it), or a key
 * without the reading permission. A missing trading permission does not stop
 * a read: the GETs need only reading. Nothing is guessed from a check that
 * could not read Binance.
 */
export function readRefusal(endpoint: Pick<EndpointDeclaration, 'requires'>, account: string, report: KeyReport | undefined): Said | undefined {
  if (report === undefined) return undefined;
  const { kind } = endpoint.requires;
  const probe = report.kinds[kind];
  if (probe.state === 'no') {
    const { reason } = probe;
    return (t) => t.readBack.why.wrongKind({ account, kind: t.keys.kinds[kind], reason });
  }
  if (report.permissions.read && report.permissions.values.enableReading === false) {
    return (t) => t.readBack.why.noReading({ account, permission: permissionName('enableReading', t) });
  }
  return undefined;
}

/** What to do about a missing permission, where Binance's own rules make the plain advice wrong. */
function permissionHint(permission: KeyPermission, report: KeyReport): Said {
  if (permission === 'enableFutures' && report.kinds['portfolio-margin'].state === 'yes') {
    return (t) => t.accounts.eligibility.hints.futuresOnPortfolioMargin({ futures: t.keys.kinds['usds-futures'], pro: t.keys.kinds['portfolio-margin-pro'] });
  }
  if (permission === 'enablePortfolioMarginTrading') return (t) => t.accounts.eligibility.hints.portfolioMarginTrading;
  return (t) => t.accounts.eligibility.hints.enable;
}
