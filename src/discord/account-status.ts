// What /status says of the Binance accounts: per account, the kinds its key
// check found, the commands it can run (and those it cannot, with the
// permission to enable), the loud warnings (withdrawals enabled, no IP
// restriction), what could not be read, and its own usage counters per family.
// In the reader's language; account names and labels as configured.
import type { Accounts } from '../actions/accounts.ts';
import { permissionName } from '../actions/eligibility.ts';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import { checkParts, findingsOf } from '../actions/key-checks.ts';
import type { Family } from '../binance/index.ts';
import type { Messages } from '../i18n/index.ts';
import { discordTime } from './render.ts';

/** One block per account: its key check in plain words. */
export function accountsStatus(accounts: Accounts, endpoints: readonly EndpointDeclaration[], t: Messages): string {
  const s = t.accounts.status;
  return accounts.all
    .map((entry) => {
      const report = accounts.report(entry.name);
      const title = `🔑 **${accounts.display(entry.name)}**`;
      if (report === undefined) return `${title}\n${s.notChecked}`;
      const found = findingsOf(entry.name, report, endpoints, accounts);
      const cannot = endpoints.flatMap((endpoint) => {
        const verdict = accounts.eligibility(endpoint, entry.name);
        if (verdict.kind !== 'ineligible') return [];
        const why = verdict.permission === undefined ? s.anotherKind : s.lacks({ permission: permissionName(verdict.permission, t) });
        return [s.cannotRunOne({ command: `${endpoint.group.name} ${endpoint.subcommand}`, why })];
      });
      return [
        title,
        ...checkParts(found, accounts.failure(entry.name), t).map((part) => `• ${part}`),
        ...(cannot.length === 0 ? [] : [s.cannotRun({ commands: cannot.join(', ') })]),
        s.checked({ when: discordTime(report.checkedAt, 'R') }),
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
