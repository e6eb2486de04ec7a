// What a confirmation is bound to besides its parameters: the account it runs
// on (binding.ts compares it with the `requested` row), the Binance host and
// the dry-run setting it showed. A click handled by a process configured
// otherwise (another BINANCE_*_URL, BINANCE_DRY_RUN changed, the account
// removed from BINANCE_ACCOUNTS) must not send. (binding.ts holds the click to
// the target its `requested` row logged.)
import type { BinanceClient, Family } from '../binance/index.ts';
import type { Said } from '../i18n/index.ts';
import type { Accounts } from './accounts.ts';

export interface Target {
  readonly baseUrl: string;
  readonly dryRun: boolean;
}

/** Where `client` (one account's) would send a request of `family`. */
export function targetOf(client: BinanceClient, family: Family): Target {
  return { baseUrl: client.baseUrl(family), dryRun: client.dryRun };
}

/**
 * Why a request shown for `shown` on `account` may not be sent by this
 * process (the account is gone, or its target changed), or undefined when it may.
 */
export function targetChange(accounts: Accounts, account: string, family: Family, shown: Target | undefined): Said | undefined {
  const entry = accounts.get(account);
  if (entry === undefined) return (t) => t.pipeline.target.accountGone({ account });
  const now = targetOf(entry.client, family);
  if (shown !== undefined && shown.baseUrl === now.baseUrl && shown.dryRun === now.dryRun) return undefined;
  const describe = (target: Target | undefined): Said =>
    target === undefined ? (t) => t.pipeline.target.olderVersion : target.dryRun ? (t) => t.pipeline.target.dryRun({ url: target.baseUrl }) : () => target.baseUrl;
  return (t) => t.pipeline.target.changed({ shown: describe(shown)(t), now: describe(now)(t) });
}
