// What an account's API key may do, read from Binance: the key's permissions
// (GET /sapi/v1/account/apiRestrictions) and the kinds of account behind it,
// each told by a read of that product's account endpoint. Binance answers a
// kind's endpoint with -2015 (or -21001) for an account of another kind, and
// enabling Portfolio Margin removes the futures permission from the account's
// keys, so without this a desk finds out only after a Confirm click.
//
// Where Binance cannot be read (a 5xx, a timeout, a ban, no connection), the
// answer is "unknown", never a guess; and a refusal of a kind's read counts as
// "not that kind" only when the key could read its own permissions and has
// reading enabled (otherwise an IP allow-list or a missing reading permission
// would look like the wrong kind of account).
import { z } from 'zod';
import { inEnglish, type Messages, type Said } from '../i18n/index.ts';
import type { BinanceClient } from './client.ts';
import type { Family, Weight } from './families.ts';
import type { BinanceOutcome, BinanceRequest } from './outcome.ts';

/**
 * The kinds of account the bot's endpoints need. An account supports a kind
 * when that product's account read succeeds: a Portfolio Margin Pro account
 * also trades USDⓈ-M futures, so it supports both of its kinds.
 */
export const ACCOUNT_KINDS = ['portfolio-margin', 'portfolio-margin-pro', 'usds-futures'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * The booleans of GET /sapi/v1/account/apiRestrictions, as Binance's doc page
 * (https://developers.binance.com/docs/wallet/account/api-key-permission) and
 * its connectors' GetApiKeyPermissionResponse name them; the label the API
 * Management page shows for each is in the catalog (`keys.permissions`).
 * (`createTime`, `tradingAuthorityExpirationTime` and the FIX flags are read
 * too; the bot does not decide on them.)
 */
export const KEY_PERMISSIONS = [
  'ipRestrict',
  'enableReading',
  'enableSpotAndMarginTrading',
  'enableMargin',
  'enableFutures',
  'enablePortfolioMarginTrading',
  'enableVanillaOptions',
  'enableWithdrawals',
  'enableInternalTransfer',
  'permitsUniversalTransfer',
] as const;
export type KeyPermission = (typeof KEY_PERMISSIONS)[number];

/** The permissions as read: a field Binance did not send is absent (unknown), never assumed. */
export type KeyPermissions = Readonly<Partial<Record<KeyPermission, boolean>>>;

/** Whether the account supports a kind: yes, no (Binance refused the read), or unknown (no answer). */
export type KindProbe = { readonly state: 'yes' } | { readonly state: 'no' | 'unknown'; readonly reason: string };

export interface KeyReport {
  /** Local epoch ms when the reads finished. */
  readonly checkedAt: number;
  readonly permissions: { readonly read: true; readonly values: KeyPermissions } | { readonly read: false; readonly reason: string };
  readonly kinds: Readonly<Record<AccountKind, KindProbe>>;
}

const apiRestrictions = z.object(
  Object.fromEntries(KEY_PERMISSIONS.map((name) => [name, z.boolean().optional()])) as Record<KeyPermission, z.ZodOptional<z.ZodBoolean>>,
);

const signedGet = (family: Family, path: string, weight: Weight): BinanceRequest => ({ family, method: 'GET', path, params: [], weight, security: 'signed' });

/** Any valid key may read its own permissions (IP weight 1). */
const PERMISSIONS_READ = signedGet('sapi', '/sapi/v1/account/apiRestrictions', { amount: 1, kind: 'ip' });

/** Per kind: the account read whose success says the account supports it (weights from each doc page). */
const KIND_READS: Readonly<Record<AccountKind, { readonly request: BinanceRequest; readonly refuses?: (body: unknown) => string | undefined }>> = {
  // https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
  'portfolio-margin': { request: signedGet('papi', '/papi/v1/account', { amount: 20, kind: 'ip' }) },
  // https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Get-Classic-Portfolio-Margin-Account-Info
  // A Portfolio Margin account reads it too: `accountType` is "PM_1 for PM PRO, PM_2 for PM, PM_3 for PM PRO SPAN".
  'portfolio-margin-pro': {
    request: signedGet('sapi', '/sapi/v1/portfolio/account', { amount: 5, kind: 'uid' }),
    refuses: (body) =>
      isRecord(body) && body.accountType === 'PM_2' ? 'it is a Portfolio Margin account (accountType PM_2), not Portfolio Margin Pro' : undefined,
  },
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V3
  'usds-futures': { request: signedGet('fapi', '/fapi/v3/account', { amount: 5, kind: 'ip' }) },
};

/** Reads a key's permissions and the kinds of its account; every call goes through the client's limits. */
export async function checkKey(client: BinanceClient, now: () => number = Date.now): Promise<KeyReport> {
  const [permissionsRead, ...kindReads] = await Promise.all([
    client.execute(PERMISSIONS_READ),
    ...ACCOUNT_KINDS.map((kind) => client.execute(KIND_READS[kind].request)),
  ]);
  const permissions = readPermissions(permissionsRead as BinanceOutcome);
  // A refusal tells the kind only when the key demonstrably could read: else it may be its IP or its reading permission.
  const trusted = permissions.read && permissions.values.enableReading !== false;
  const untrusted = permissions.read ? 'the key has reading disabled' : 'the key could not read its own permissions';
  const kinds = Object.fromEntries(
    ACCOUNT_KINDS.map((kind, index) => {
      const probe = readKind(kind, kindReads[index] as BinanceOutcome);
      return [
        kind,
        probe.state === 'no' && !trusted ? { state: 'unknown', reason: `${probe.reason}; not taken as the account's kind, since ${untrusted}` } : probe,
      ];
    }),
  ) as Record<AccountKind, KindProbe>;
  return { checkedAt: now(), permissions, kinds };
}

/** The warnings a key's permissions call for: what a stolen copy of it could do. */
export function keyRisks(report: KeyReport): Said[] {
  if (!report.permissions.read) return [];
  const { values } = report.permissions;
  return [
    ...(values.enableWithdrawals === true ? [(t: Messages) => t.keys.warnings.withdrawals({ label: t.keys.permissions.enableWithdrawals })] : []),
    ...(values.ipRestrict === false ? [(t: Messages) => t.keys.warnings.noIpRestriction] : []),
  ];
}

/** The warnings in English, as the log keeps them. */
export function keyWarnings(report: KeyReport): string[] {
  return keyRisks(report).map(inEnglish);
}

/** The kinds an account supports, by its latest report. */
export function supportedKinds(report: KeyReport): AccountKind[] {
  return ACCOUNT_KINDS.filter((kind) => report.kinds[kind].state === 'yes');
}

function readPermissions(outcome: BinanceOutcome): KeyReport['permissions'] {
  if (outcome.kind !== 'success') return { read: false, reason: `GET ${PERMISSIONS_READ.path}: ${whyNot(outcome)}` };
  const parsed = apiRestrictions.safeParse(outcome.body);
  if (!parsed.success) return { read: false, reason: `GET ${PERMISSIONS_READ.path} answered a body the bot cannot read` };
  const values = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined)) as KeyPermissions;
  return { read: true, values };
}

function readKind(kind: AccountKind, outcome: BinanceOutcome): KindProbe {
  const { path } = KIND_READS[kind].request;
  if (outcome.kind === 'success') {
    const refused = KIND_READS[kind].refuses?.(outcome.body);
    return refused === undefined ? { state: 'yes' } : { state: 'no', reason: refused };
  }
  return { state: outcome.kind === 'rejected' ? 'no' : 'unknown', reason: `GET ${path}: ${whyNot(outcome)}` };
}

function whyNot(outcome: Exclude<BinanceOutcome, { kind: 'success' }>): string {
  switch (outcome.kind) {
    case 'rejected':
      return `Binance refused it (${outcome.code ?? `HTTP ${outcome.status}`}: ${outcome.message.slice(0, 120)})`;
    case 'rate-limited':
    case 'unknown':
    case 'not-sent':
      return `no answer (${outcome.explanation.slice(0, 160)})`;
    case 'dry-run':
      return 'not sent (dry-run)';
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
