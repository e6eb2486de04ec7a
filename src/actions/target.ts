// What a confirmation is bound to besides its parameters: the Binance host
// and the dry-run setting it showed. A click handled by a process configured
// otherwise (another BINANCE_*_URL, BINANCE_DRY_RUN changed) must not send.
// (binding.ts holds the click to the target its `requested` row logged.)
import type { BinanceClient, Family } from '../binance/index.ts';
import type { Said } from '../i18n/index.ts';

export interface Target {
  readonly baseUrl: string;
  readonly dryRun: boolean;
}

/** Where this process would send a request of `family`. */
export function targetOf(binance: BinanceClient, family: Family): Target {
  return { baseUrl: binance.baseUrl(family), dryRun: binance.dryRun };
}

/** Why a request shown for `shown` may not be sent by this process (its target changed), or undefined when it may. */
export function targetChange(binance: BinanceClient, family: Family, shown: Target | undefined): Said | undefined {
  const now = targetOf(binance, family);
  if (shown !== undefined && shown.baseUrl === now.baseUrl && shown.dryRun === now.dryRun) return undefined;
  const describe = (target: Target | undefined): Said =>
    target === undefined ? (t) => t.pipeline.target.olderVersion : target.dryRun ? (t) => t.pipeline.target.dryRun({ url: target.baseUrl }) : () => target.baseUrl;
  return (t) => t.pipeline.target.changed({ shown: describe(shown)(t), now: describe(now)(t) });
}
