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
import { ACCOUNT_KINDS, checkKey, keyRisks, supportedKinds, type AccountKind, type BinanceClient, type KeyReport, type KindProbe } from '../binance/index.ts';
import { english, inEnglish, type Messages, type Said } from '../i18n/index.ts';
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
    const found = findingsOf(entry.name, report, endpoints, accounts);
    const params = describeCheck(entry.name, trigger, found);
    const line = checkLine(accounts.display(entry.name), found, failure);
    const fields = { account: entry.name, kinds: params.kinds, runs: params.runs, warnings: params.warnings, unread: params.unread };
    if (params.warnings.length > 0 || params.unread.length > 0) log.warn(`binance key check: ${line}`, fields);
    else log.info(`binance key check: ${line}`, fields);
    await store.log
      .append({ event: 'key-check', params, detail: line })
      .catch((error: unknown) => log.error('could not log a key check', { account: entry.name, error }));
  }
}

/** What a key check found, before it is put into words: the log row keeps it in English, /status says it in the reader's language. */
export interface CheckFindings {
  readonly permissions: KeyReport['permissions'];
  readonly kinds: Readonly<Record<AccountKind, KindProbe['state']>>;
  /** The action keys the account can run for sure. */
  readonly runs: readonly string[];
  readonly warnings: readonly Said[];
  readonly unread: readonly Said[];
}

export function findingsOf(account: string, report: KeyReport, endpoints: readonly EndpointDeclaration[], accounts: Accounts): CheckFindings {
  return {
    permissions: report.permissions,
    kinds: Object.fromEntries(ACCOUNT_KINDS.map((kind) => [kind, report.kinds[kind].state])) as Record<AccountKind, KindProbe['state']>,
    runs: endpoints.filter((endpoint) => accounts.eligibility(endpoint, account).kind === 'eligible').map((endpoint) => endpoint.actionKey),
    warnings: keyRisks(report),
    unread: unread(report),
  };
}

/** A key check as its log row records it: no key, no secret, only what Binance said of the key (in English). */
export function describeCheck(account: string, trigger: CheckTrigger, found: CheckFindings): KeyCheckParams {
  return {
    account,
    trigger,
    permissions: found.permissions.read ? { ...found.permissions.values } : null,
    kinds: found.kinds,
    runs: found.runs,
    warnings: found.warnings.map(inEnglish),
    unread: found.unread.map(inEnglish),
  };
}

/** One line: "futures (Futures desk): USDⓈ-M futures; can run futures.margin-type; ⚠️ …" (English unless `t` says otherwise). */
export function checkLine(shown: string, found: CheckFindings, failure?: CheckFailure, t: Messages = english): string {
  return t.keys.check.line({ account: shown, parts: checkParts(found, failure, t).join(t.keys.check.separator) });
}

/** A key check's findings, one phrase each: the kinds, what it can run, each warning, what could not be read. */
export function checkParts(found: CheckFindings, failure: CheckFailure | undefined, t: Messages): string[] {
  const c = t.keys.check;
  const kinds = ACCOUNT_KINDS.filter((kind) => found.kinds[kind] === 'yes').map((kind) => t.keys.kinds[kind]);
  return [
    kinds.length === 0 ? c.kindUnknown : kinds.join(c.kindsJoin),
    found.runs.length === 0 ? c.runsNone : c.runs({ actions: found.runs.join(', ') }),
    ...found.warnings.map((warning) => c.warning({ warning: warning(t) })),
    ...(found.unread.length === 0 ? [] : [c.notRead({ what: found.unread.map((what) => what(t)).join(c.separator) })]),
    ...(failure === undefined ? [] : [c.recheckFailed({ reason: failure.reason(t) })]),
  ];
}

/** What a report could not read: its permissions, or a kind. */
function unread(report: KeyReport): Said[] {
  const { permissions } = report;
  return [
    ...(permissions.read ? [] : [() => permissions.reason]),
    ...ACCOUNT_KINDS.flatMap((kind): Said[] => {
      const probe = report.kinds[kind];
      return probe.state === 'unknown' ? [(t) => t.keys.check.unreadKind({ kind: t.keys.kinds[kind], reason: probe.reason })] : [];
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
  const missed = unread(fresh);
  return { report, failure: { at: fresh.checkedAt, reason: (t) => missed.map((what) => what(t)).join(t.keys.check.separator) } };
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
  const reason = inEnglish((t) => t.keys.check.failed({ error: error instanceof Error ? error.message : String(error) }));
  return {
    checkedAt: now,
    permissions: { read: false, reason },
    kinds: Object.fromEntries(ACCOUNT_KINDS.map((kind) => [kind, { state: 'unknown', reason }])) as KeyReport['kinds'],
  };
}
