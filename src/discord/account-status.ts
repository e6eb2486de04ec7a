// What /status says of the Binance accounts: per account, the kinds its key
// check found, the commands it can run (and those it cannot, with the
// permission to enable), the loud warnings (withdrawals enabled, no IP
// restriction), what could not be read, and its own usage counters per family.
import type { Accounts } from '../actions/accounts.ts';
import { permissionName } from '../actions/eligibility.ts';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import { checkParts, describeCheck } from '../actions/key-checks.ts';
import type { Family } from '../binance/index.ts';
import { discordTime } from './render.ts';

/** One block per account: its key check in plain words. */
export function accountsStatus(accounts: Accounts, endpoints: readonly EndpointDeclaration[]): string {
  return accounts.all
    .map((entry) => {
      const report = accounts.report(entry.name);
      const title = `🔑 **${accounts.display(entry.name)}**`;
      if (report === undefined) return `${title}\n❔ key not checked yet: every command is allowed on it unchecked.`;
      const params = describeCheck(entry.name, report, 'status', endpoints, accounts);
      const cannot = endpoints.flatMap((endpoint) => {
        const verdict = accounts.eligibility(endpoint, entry.name);
        if (verdict.kind !== 'ineligible') return [];
        const why = verdict.permission === undefined ? 'another kind of account' : `lacks ${permissionName(verdict.permission)}`;
        return [`/${endpoint.group.name} ${endpoint.subcommand} (${why})`];
      });
      return [
        title,
        ...checkParts(params, accounts.failure(entry.name)).map((part) => `• ${part}`),
        ...(cannot.length === 0 ? [] : [`• cannot run: ${cannot.join(', ')}`]),
        `• checked ${discordTime(report.checkedAt, 'R')}`,
      ].join('\n');
    })
    .join('\n');
}

/** Each account's own counters of a family (UID and order), "futures · x-mbx-order-count-1m: 0 / 1200". */
export function accountUsageLines(accounts: Accounts, family: Family): string[] {
  return accounts.all.flatMap((entry) =>
    entry.client
      .accountUsage(family)
      .filter((usage) => usage.limit !== undefined)
      .map((usage) => `${entry.name} · ${usage.header}: ${usage.used} / ${usage.limit}`),
  );
}
