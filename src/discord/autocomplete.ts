// Suggestions as the operator types, from the live account: USDⓈ-M perpetual
// symbols that are TRADING (public exchange info, refreshed hourly), the
// Portfolio Margin balances with margin loans first (signed, per account,
// cached briefly), and the accounts that can run the command (by their key
// checks) on which the user holds it. Discord drops an autocomplete not
// answered within 3 s, so a slow Binance never holds the answer: the cache is
// served, or nothing.
import type { AutocompleteInteraction } from 'discord.js';
import { z } from 'zod';
import type { Accounts } from '../actions/accounts.ts';
import type { Authorizer } from '../actions/authorization.ts';
import type { AutocompleteSource, EndpointDeclaration } from '../actions/endpoint.ts';
import { ACCOUNT_OPTION } from '../actions/request.ts';
import { describeError, supportedKinds, type BinanceClient, type BinanceRequest } from '../binance/index.ts';
import { compareDecimals, isZeroDecimal, normaliseDecimal } from '../decimal.ts';
import { english, type Messages } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { readerOf } from './respond.ts';

const SYMBOLS_REFRESH_MS = 60 * 60_000;
const BALANCES_FRESH_MS = 15_000;
/** How long an autocomplete may wait for a refresh before answering from what it has. */
const WAIT_FOR_REFRESH_MS = 1_200;
const MAX_CHOICES = 25;

const exchangeInfo = z.object({
  symbols: z.array(z.object({ symbol: z.string(), contractType: z.string().optional(), status: z.string().optional() })),
});
const balances = z.array(
  z.object({
    asset: z.string(),
    crossMarginBorrowed: z.string().optional(),
    crossMarginFree: z.string().optional(),
    totalWalletBalance: z.string().optional(),
  }),
);

export interface Choice {
  readonly name: string;
  readonly value: string;
}

interface Cached<T> {
  value: T | undefined;
  fetchedAt: number;
  refreshing: Promise<void> | undefined;
}

export class AutocompleteSources {
  readonly #symbols: Cached<string[]> = { value: undefined, fetchedAt: 0, refreshing: undefined };
  /** Per account: each account's balances are its own. */
  readonly #loans = new Map<string, Cached<Array<{ asset: string; borrowed: string }>>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly accounts: Accounts,
    private readonly authorizer: Authorizer,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads the symbol list now and every hour after. */
  start(): void {
    void this.#refresh(this.#symbols, () => this.#fetchSymbols());
    this.#timer = setInterval(() => void this.#refresh(this.#symbols, () => this.#fetchSymbols()), SYMBOLS_REFRESH_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async respond(interaction: AutocompleteInteraction, endpoint: EndpointDeclaration): Promise<void> {
    const focused = interaction.options.getFocused(true);
    if (focused.name === ACCOUNT_OPTION) {
      await interaction.respond((await this.accountChoices(endpoint, String(focused.value), interaction.user.id, readerOf(interaction))).slice(0, MAX_CHOICES));
      return;
    }
    const source = endpoint.autocomplete?.[focused.name];
    const account = this.#accountFor(endpoint, interaction.options.getString(ACCOUNT_OPTION) ?? undefined);
    const choices = source === undefined ? [] : await this.suggest(source, String(focused.value), interaction.user.id, endpoint.actionKey, account, readerOf(interaction));
    await interaction.respond(choices.slice(0, MAX_CHOICES));
  }

  /**
   * The accounts that can run `endpoint` (unchecked ones included) on which the user
   * holds it, matching what was typed: "futures · Futures desk (USDⓈ-M futures)".
   */
  async accountChoices(endpoint: EndpointDeclaration, typed: string, userId: string, t: Messages = english): Promise<Choice[]> {
    const query = typed.trim().toLowerCase();
    const choices: Choice[] = [];
    for (const entry of this.accounts.runnable(endpoint)) {
      if (!(await this.authorizer.check(userId, endpoint.actionKey, { account: entry.name, use: 'request' })).allowed) continue;
      const report = this.accounts.report(entry.name);
      const kinds = report === undefined ? [] : supportedKinds(report).map((kind) => t.keys.kinds[kind]);
      const labelled = entry.label === undefined ? entry.name : t.autocomplete.accountLabelled({ name: entry.name, label: entry.label });
      const name = kinds.length === 0 ? t.autocomplete.accountUnchecked({ account: labelled }) : t.autocomplete.accountKinds({ account: labelled, kinds: kinds.join(' + ') });
      if (`${entry.name} ${entry.label ?? ''}`.toLowerCase().includes(query)) choices.push({ name: name.slice(0, 100), value: entry.name });
    }
    return choices;
  }

  async suggest(source: AutocompleteSource, typed: string, userId: string, actionKey: string, account = this.accounts.main.name, t: Messages = english): Promise<Choice[]> {
    const query = typed.trim().toUpperCase();
    switch (source) {
      case 'futures-perpetual-symbols': {
        const symbols = await this.#current(this.#symbols, SYMBOLS_REFRESH_MS, () => this.#fetchSymbols());
        return rank(symbols ?? [], query).map((symbol) => ({ name: symbol, value: symbol }));
      }
      case 'margin-loan-assets': {
        // Balances are the desk's business: only those who may repay on this account see them.
        const client = this.accounts.get(account)?.client;
        if (client === undefined || !(await this.authorizer.check(userId, actionKey, { account })).allowed) return [];
        let cache = this.#loans.get(account);
        if (cache === undefined) {
          cache = { value: undefined, fetchedAt: 0, refreshing: undefined };
          this.#loans.set(account, cache);
        }
        const loans = await this.#current(cache, BALANCES_FRESH_MS, () => this.#fetchLoans(client));
        return (loans ?? [])
          .filter((loan) => loan.asset.includes(query))
          .map((loan) => ({
            name: isZeroDecimal(loan.borrowed) ? t.autocomplete.noLoan({ asset: loan.asset }) : t.autocomplete.borrowed({ asset: loan.asset, borrowed: loan.borrowed }),
            value: loan.asset,
          }));
      }
      default: {
        const unreachable: never = source;
        return unreachable;
      }
    }
  }

  /** The account the other options are typed for: the one chosen, else the only one that can run it, else main. */
  #accountFor(endpoint: EndpointDeclaration, chosen: string | undefined): string {
    if (chosen !== undefined && this.accounts.get(chosen) !== undefined) return chosen;
    const runnable = this.accounts.runnable(endpoint);
    return runnable.length === 1 ? (runnable[0]?.name ?? this.accounts.main.name) : this.accounts.main.name;
  }

  /** The cached value; a stale one triggers a refresh that is awaited only briefly. */
  async #current<T>(cache: Cached<T>, freshMs: number, fetch: () => Promise<T>): Promise<T | undefined> {
    if (cache.value !== undefined && this.now() - cache.fetchedAt < freshMs) return cache.value;
    const refresh = this.#refresh(cache, fetch);
    await Promise.race([refresh, new Promise((resolve) => setTimeout(resolve, WAIT_FOR_REFRESH_MS).unref())]);
    return cache.value;
  }

  #refresh<T>(cache: Cached<T>, fetch: () => Promise<T>): Promise<void> {
    cache.refreshing ??= fetch()
      .then((value) => {
        cache.value = value;
        cache.fetchedAt = this.now();
      })
      .catch((error: unknown) => this.log.warn('autocomplete refresh failed', { error: describeError(error) }))
      .finally(() => {
        cache.refreshing = undefined;
      });
    return cache.refreshing;
  }

  async #fetchSymbols(): Promise<string[]> {
    const body = await this.#get(this.accounts.main.client, { family: 'fapi', method: 'GET', path: '/fapi/v1/exchangeInfo', params: [], weight: { amount: 1, kind: 'ip' }, security: 'public' });
    return exchangeInfo
      .parse(body)
      .symbols.filter((symbol) => symbol.contractType === 'PERPETUAL' && symbol.status === 'TRADING')
      .map((symbol) => symbol.symbol)
      .sort();
  }

  async #fetchLoans(client: BinanceClient): Promise<Array<{ asset: string; borrowed: string }>> {
    const body = await this.#get(client, { family: 'papi', method: 'GET', path: '/papi/v1/balance', params: [], weight: { amount: 20, kind: 'ip' }, security: 'signed' });
    const loans = balances.parse(body).map((balance) => ({ asset: balance.asset, borrowed: normaliseDecimal(balance.crossMarginBorrowed ?? '0') ?? '0' }));
    // Assets with a loan first, largest first; then the rest by name.
    return loans.sort((a, b) => {
      const aLoan = !isZeroDecimal(a.borrowed);
      const bLoan = !isZeroDecimal(b.borrowed);
      if (aLoan !== bLoan) return aLoan ? -1 : 1;
      return aLoan ? compareDecimals(b.borrowed, a.borrowed) : a.asset.localeCompare(b.asset);
    });
  }

  async #get(client: BinanceClient, request: BinanceRequest): Promise<unknown> {
    const outcome = await client.execute(request);
    if (outcome.kind !== 'success') throw new Error(`${request.path}: ${outcome.kind}${'explanation' in outcome ? ` (${outcome.explanation})` : ''}`);
    return outcome.body;
  }
}

/** Symbols starting with what was typed first, then those containing it. */
function rank(symbols: readonly string[], query: string): string[] {
  if (query === '') return symbols.slice(0, MAX_CHOICES);
  const starts = symbols.filter((symbol) => symbol.startsWith(query));
  const contains = symbols.filter((symbol) => !symbol.startsWith(query) && symbol.includes(query));
  return [...starts, ...contains].slice(0, MAX_CHOICES);
}
