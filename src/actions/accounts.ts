// The Binance accounts the bot acts on, as the composition root built them:
// each with its own signed client (its own key; the host's limits shared with
// the others) and the latest check of its key. The pipeline carries an
// account's NAME with every action and asks this registry for that account's
// client, so nothing below can reach for "the" key; a name the configuration
// no longer holds has no client, and its confirmations send nothing.
import type { BinanceClient, KeyReport } from '../binance/index.ts';
import type { Said } from '../i18n/index.ts';
import { MAIN_ACCOUNT } from '../config-accounts.ts';
import { eligibilityOf, readRefusal, type Eligibility } from './eligibility.ts';
import type { EndpointDeclaration } from './endpoint.ts';

export { MAIN_ACCOUNT };

export interface AccountEntry {
  readonly name: string;
  /** Shown beside the name (BINANCE_<NAME>_LABEL). */
  readonly label: string | undefined;
  readonly client: BinanceClient;
}

/** A key check that could not read Binance, while an earlier one's findings are kept. */
export interface CheckFailure {
  readonly at: number;
  readonly reason: Said;
}

/** The account a request runs on: chosen (or the only one that can run it), with what its key check says. */
export type AccountChoice =
  | { readonly ok: true; readonly entry: AccountEntry; readonly eligibility: Eligibility }
  | { readonly ok: false; readonly reason: Said };

export class Accounts {
  readonly #entries: ReadonlyMap<string, AccountEntry>;
  readonly #reports = new Map<string, KeyReport>();
  readonly #failures = new Map<string, CheckFailure>();

  /** One account (`main` by default) whose key is never checked: every command is allowed on it. */
  static single(client: BinanceClient, name = MAIN_ACCOUNT): Accounts {
    return new Accounts([{ name, label: undefined, client }]);
  }

  constructor(entries: readonly AccountEntry[]) {
    if (entries.length === 0) throw new Error('at least one Binance account is needed');
    this.#entries = new Map(entries.map((entry) => [entry.name, entry]));
  }

  /** Every account, main first. */
  get all(): readonly AccountEntry[] {
    return [...this.#entries.values()];
  }

  get names(): string[] {
    return [...this.#entries.keys()];
  }

  /** The first account (main): its client syncs the shared clocks and pings for /status. */
  get main(): AccountEntry {
    return this.all[0] as AccountEntry;
  }

  get(name: string): AccountEntry | undefined {
    return this.#entries.get(name);
  }

  /** "futures (Futures desk)", or just the name. */
  display(name: string): string {
    const label = this.#entries.get(name)?.label;
    return label === undefined ? name : `${name} (${label})`;
  }

  report(name: string): KeyReport | undefined {
    return this.#reports.get(name);
  }

  /** The latest re-check that could not read Binance, if it came after the report shown. */
  failure(name: string): CheckFailure | undefined {
    return this.#failures.get(name);
  }

  /** Keeps a key check's findings (and, when it could not read everything, when and why). */
  record(name: string, report: KeyReport, failure: CheckFailure | undefined): void {
    this.#reports.set(name, report);
    if (failure === undefined) this.#failures.delete(name);
    else this.#failures.set(name, failure);
  }

  eligibility(endpoint: Pick<EndpointDeclaration, 'requires'>, name: string): Eligibility {
    return eligibilityOf(endpoint, name, this.#reports.get(name));
  }

  /** Why `name`'s key cannot read the state `endpoint` changes (its kind, its reading permission), or undefined. */
  cannotRead(endpoint: Pick<EndpointDeclaration, 'requires'>, name: string): Said | undefined {
    return readRefusal(endpoint, name, this.#reports.get(name));
  }

  /** The accounts that can run `endpoint` by their key checks (unchecked ones included: nothing is guessed). */
  runnable(endpoint: Pick<EndpointDeclaration, 'requires'>): AccountEntry[] {
    return this.all.filter((entry) => this.eligibility(endpoint, entry.name).kind !== 'ineligible');
  }

  /**
   * The account a request names, or, when it names none, the only one that
   * can run it. Not ok (an invalid option): a name the bot does not hold, or
   * none given where several accounts could run it. When no account can run
   * it, the first is returned with a refusal naming each account's reason.
   */
  choose(endpoint: Pick<EndpointDeclaration, 'requires'>, chosen: string | undefined): AccountChoice {
    if (chosen !== undefined) {
      const entry = this.#entries.get(chosen);
      if (entry === undefined) {
        const name = chosen.slice(0, 40).replace(/`/g, "'");
        const known = this.names.join(', ');
        return { ok: false, reason: (t) => t.accounts.choose.unknown({ name, accounts: known }) };
      }
      return { ok: true, entry, eligibility: this.eligibility(endpoint, chosen) };
    }
    const runnable = this.runnable(endpoint);
    const [only] = runnable;
    if (only !== undefined && runnable.length === 1) return { ok: true, entry: only, eligibility: this.eligibility(endpoint, only.name) };
    if (runnable.length > 1) {
      const names = runnable.map((entry) => this.display(entry.name)).join(', ');
      return { ok: false, reason: (t) => t.accounts.choose.required({ accounts: names }) };
    }
    const reasons = this.all
      .map((entry) => this.eligibility(endpoint, entry.name))
      .flatMap((verdict) => (verdict.kind === 'ineligible' ? [verdict.reason] : []));
    return {
      ok: true,
      entry: this.main,
      eligibility: {
        kind: 'ineligible',
        reason: (t) => t.accounts.choose.noneCanRun({ reasons: reasons.map((reason) => reason(t)).join(t.accounts.eligibility.separator) }),
      },
    };
  }
}
