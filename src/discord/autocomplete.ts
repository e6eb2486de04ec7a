// Suggestions as the operator types, from the live account: USDⓈ-M perpetual
// symbols that are TRADING (public exchange info, refreshed hourly) and the
// Portfolio Margin balances with margin loans first (signed, cached briefly).
// Discord drops an autocomplete not answered within 3 s, so a slow Binance
// never holds the answer: the cache is served, or nothing.
import type { AutocompleteInteraction } from 'discord.js';
import { z } from 'zod';
import type { Authorizer } from '../actions/authorization.ts';
import type { AutocompleteSource, EndpointDeclaration } from '../actions/endpoint.ts';
import { describeError, type BinanceClient, type BinanceRequest } from '../binance/index.ts';
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
  readonly #loans: Cached<Array<{ asset: string; borrowed: string }>> = { value: undefined, fetchedAt: 0, refreshing: undefined };
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly binance: BinanceClient,
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
    const source = endpoint.autocomplete?.[focused.name];
    const choices = source === undefined ? [] : await this.suggest(source, String(focused.value), interaction.user.id, endpoint.actionKey, readerOf(interaction));
    await interaction.respond(choices.slice(0, MAX_CHOICES));
  }

  async suggest(source: AutocompleteSource, typed: string, userId: string, actionKey: string, t: Messages = english): Promise<Choice[]> {
    const query = typed.trim().toUpperCase();
    switch (source) {
      case 'futures-perpetual-symbols': {
        const symbols = await this.#current(this.#symbols, SYMBOLS_REFRESH_MS, () => this.#fetchSymbols());
        return rank(symbols ?? [], query).map((symbol) => ({ name: symbol, value: symbol }));
      }
      case 'margin-loan-assets': {
        // Balances are the desk's business: only those who may repay see them.
        if (!(await this.authorizer.check(userId, actionKey)).allowed) return [];
        const loans = await this.#current(this.#loans, BALANCES_FRESH_MS, () => this.#fetchLoans());
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
    const body = await this.#get({ family: 'fapi', method: 'GET', path: '/fapi/v1/exchangeInfo', params: [], weight: { amount: 1, kind: 'ip' }, security: 'public' });
    return exchangeInfo
      .parse(body)
      .symbols.filter((symbol) => symbol.contractType === 'PERPETUAL' && symbol.status === 'TRADING')
      .map((symbol) => symbol.symbol)
      .sort();
  }

  async #fetchLoans(): Promise<Array<{ asset: string; borrowed: string }>> {
    const body = await this.#get({ family: 'papi', method: 'GET', path: '/papi/v1/balance', params: [], weight: { amount: 20, kind: 'ip' }, security: 'signed' });
    const loans = balances.parse(body).map((balance) => ({ asset: balance.asset, borrowed: normaliseDecimal(balance.crossMarginBorrowed ?? '0') ?? '0' }));
    // Assets with a loan first, largest first; then the rest by name.
    return loans.sort((a, b) => {
      const aLoan = !isZeroDecimal(a.borrowed);
      const bLoan = !isZeroDecimal(b.borrowed);
      if (aLoan !== bLoan) return aLoan ? -1 : 1;
      return aLoan ? compareDecimals(b.borrowed, a.borrowed) : a.asset.localeCompare(b.asset);
    });
  }

  async #get(request: BinanceRequest): Promise<unknown> {
    const outcome = await this.binance.execute(request);
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
