// Checking every account's API key: at start-up, on /status, and on a
// schedule (every minute while anything could not be read, every hour
// otherwise). What a check finds is kept in the account registry, where the
// pipeline reads it. Loud where it matters: a key with withdrawals enabled, or
// without an IP restriction, is a warning on stderr and a `key-check` row in
// the action log (so the audit channel shows it) at every start-up; a key that
// could not be read says so the same way. Later checks write a row only when
// what they found changed. A re-check that cannot read Binance keeps the
// earlier findings (a passing outage must not open or close commands) and
// says so in /status.
import { ACCOUNT_KIND_LABELS, ACCOUNT_KINDS, checkKey, keyWarnings, supportedKinds, type BinanceClient, type KeyReport } from '../binance/index.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { AccountEntry, Accounts, CheckFailure } from './accounts.ts';
import type { EndpointDeclaration } from './endpoint.ts';

/** What made a check run: it is recorded with its row. */
export type CheckTrigger = 'start-up' | 'status' | 'schedule';

export interface KeyChecksOptions {
  readonly accounts: Accounts;
  readonly endpoints: readonly EndpointDeclaration[];
  readonly store: Store;
  readonly log: Logger;
  /** Told when what an account can run changed (the slash commands' `account` options follow it). */
  readonly onChange?: () => void;
  readonly check?: (client: BinanceClient) => Promise<KeyReport>;
  readonly now?: () => number;
  /** How often the schedule looks (and re-checks what could not be read). */
  readonly retryMs?: number;
  /** How old a complete check may get before the schedule repeats it. */
  readonly refreshMs?: number;
}

export const KEY_RETRY_MS = 60_000;
export const KEY_REFRESH_MS = 60 * 60_000;

/** The params of a `key-check` log row. */
export interface KeyCheckParams {
  readonly account: string;
  readonly trigger: CheckTrigger;
  readonly permissions: Readonly<Record<string, boolean>> | null;
  readonly kinds: Readonly<Record<string, 'yes' | 'no' | 'unknown'>>;
  readonly runs: readonly string[];
  readonly warnings: readonly string[];
  readonly unread: readonly string[];
}

export class KeyChecks {
  readonly #options: KeyChecksOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: KeyChecksOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Checks every account now (a check already running is joined, not doubled). */
  run(trigger: CheckTrigger): Promise<void> {
    this.#running ??= this.#runAll(trigger, this.#options.accounts.all).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Re-checks, every retryMs, the accounts whose check is incomplete or older than refreshMs. */
  start(): void {
    const { retryMs = KEY_RETRY_MS, refreshMs = KEY_REFRESH_MS } = this.#options;
    this.#timer = setInterval(() => {
      if (this.#running !== undefined) return;
      const due = this.#options.accounts.all.filter((entry) => {
        const report = this.#options.accounts.report(entry.name);
        return (
          report === undefined ||
          this.#options.accounts.failure(entry.name) !== undefined ||
          unread(report).length > 0 ||
          this.#now() - report.checkedAt >= refreshMs
        );
      });
      if (due.length === 0) return;
      this.#running = this.#runAll('schedule', due).finally(() => {
        this.#running = undefined;
      });
    }, retryMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #runAll(trigger: CheckTrigger, entries: readonly AccountEntry[]): Promise<void> {
    const check = this.#options.check ?? ((client: BinanceClient) => checkKey(client, this.#now));
    const results = await Promise.all(
      entries.map(async (entry) => {
        const before = this.#options.accounts.report(entry.name);
        const fresh = await check(entry.client).catch((error: unknown): KeyReport => unreadableReport(error, this.#now()));
        const { report, failure } = merge(before, fresh);
        this.#options.accounts.record(entry.name, report, failure);
        const changed = before === undefined || summary(before) !== summary(report);
        if (trigger === 'start-up' || changed) await this.#announce(entry, report, failure, trigger);
        return changed && before !== undefined;
      }),
    );
    if (results.some(Boolean)) this.#options.onChange?.();
  }

  /** The stderr line (a warning when something is wrong) and the `key-check` log row, which the audit channel posts. */
  async #announce(entry: AccountEntry, report: KeyReport, failure: CheckFailure | undefined, trigger: CheckTrigger): Promise<void> {
    const { accounts, endpoints, log, store } = this.#options;
    const params = describeCheck(entry.name, report, trigger, endpoints, accounts);
    const line = checkLine(accounts.display(entry.name), params, failure);
    const fields = { account: entry.name, kinds: params.kinds, runs: params.runs, warnings: params.warnings, unread: params.unread };
    if (params.warnings.length > 0 || params.unread.length > 0) log.warn(`binance key check: ${line}`, fields);
    else log.info(`binance key check: ${line}`, fields);
    await store.log
      .append({ event: 'key-check', params, detail: line })
      .catch((error: unknown) => log.error('could not log a key check', { account: entry.name, error }));
  }
}

/** A key check as its log row records it: no key, no secret, only what Binance said of the key. */
export function describeCheck(
  account: string,
  report: KeyReport,
  trigger: CheckTrigger,
  endpoints: readonly EndpointDeclaration[],
  accounts: Accounts,
): KeyCheckParams {
  return {
    account,
    trigger,
    permissions: report.permissions.read ? { ...report.permissions.values } : null,
    kinds: Object.fromEntries(ACCOUNT_KINDS.map((kind) => [kind, report.kinds[kind].state])),
    runs: endpoints.filter((endpoint) => accounts.eligibility(endpoint, account).kind === 'eligible').map((endpoint) => endpoint.actionKey),
    warnings: keyWarnings(report),
    unread: unread(report),
  };
}

/** One line: "futures (Futures desk): USDⓈ-M futures; can run futures.margin-type; ⚠️ …". */
export function checkLine(shown: string, params: KeyCheckParams, failure?: CheckFailure): string {
  return `${shown}: ${checkParts(params, failure).join('; ')}`;
}

/** A key check's findings, one phrase each: the kinds, what it can run, each warning, what could not be read. */
export function checkParts(params: KeyCheckParams, failure?: CheckFailure): string[] {
  const kinds = ACCOUNT_KINDS.filter((kind) => params.kinds[kind] === 'yes').map((kind) => ACCOUNT_KIND_LABELS[kind]);
  return [
    kinds.length === 0 ? 'kind not known' : kinds.join(' + '),
    params.runs.length === 0 ? 'can run no command for sure' : `can run ${params.runs.join(', ')}`,
    ...params.warnings.map((warning) => `⚠️ ${warning}`),
    ...(params.unread.length === 0 ? [] : [`❔ NOT READ: ${params.unread.join('; ')} — its commands are allowed unchecked; the bot tries again every minute`]),
    ...(failure === undefined ? [] : [`❔ the latest re-check could not read Binance (${failure.reason}); these are the earlier findings`]),
  ];
}

/** What a report could not read: its permissions, or a kind. */
function unread(report: KeyReport): string[] {
  return [
    ...(report.permissions.read ? [] : [report.permissions.reason]),
    ...ACCOUNT_KINDS.flatMap((kind) => {
      const probe = report.kinds[kind];
      return probe.state === 'unknown' ? [`${ACCOUNT_KIND_LABELS[kind]}: ${probe.reason}`] : [];
    }),
  ];
}

/**
 * A fresh report, with what it could not read taken from the one before it (a
 * passing outage keeps what was known). The failure says when and why.
 */
function merge(before: KeyReport | undefined, fresh: KeyReport): { report: KeyReport; failure: CheckFailure | undefined } {
  if (before === undefined) return { report: fresh, failure: undefined };
  const keptPermissions = !fresh.permissions.read && before.permissions.read;
  const kinds = Object.fromEntries(
    ACCOUNT_KINDS.map((kind) => [
      kind,
      fresh.kinds[kind].state === 'unknown' && before.kinds[kind].state !== 'unknown' ? before.kinds[kind] : fresh.kinds[kind],
    ]),
  );
  const keptKinds = ACCOUNT_KINDS.some((kind) => kinds[kind] !== fresh.kinds[kind]);
  if (!keptPermissions && !keptKinds) return { report: fresh, failure: undefined };
  const report: KeyReport = {
    checkedAt: before.checkedAt,
    permissions: keptPermissions ? before.permissions : fresh.permissions,
    kinds: kinds as KeyReport['kinds'],
  };
  return { report, failure: { at: fresh.checkedAt, reason: unread(fresh).join('; ') } };
}

/** What decides eligibility and warnings, without times and reasons: a change here is worth a row. */
function summary(report: KeyReport): string {
  return JSON.stringify([
    report.permissions.read ? report.permissions.values : null,
    ACCOUNT_KINDS.map((kind) => report.kinds[kind].state),
    supportedKinds(report),
  ]);
}

function unreadableReport(error: unknown, now: number): KeyReport {
  const reason = `the check failed: ${error instanceof Error ? error.message : String(error)}`;
  return {
    checkedAt: now,
    permissions: { read: false, reason },
    kinds: Object.fromEntries(ACCOUNT_KINDS.map((kind) => [kind, { state: 'unknown', reason }])) as KeyReport['kinds'],
  };
}
