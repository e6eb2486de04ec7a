// The rate-limit counters Binance reports in response headers, counted as
// Binance counts them: IP weight per host (sapi, papi and fapi are three hosts
// in production, so each family has its own), shared by every account calling
// from this IP; UID weight and order counts per account.
import type { EmulatedFamily } from './types.ts';

export const LIMITS: Readonly<Record<EmulatedFamily, Readonly<Record<string, number>>>> = {
  sapi: { 'x-sapi-used-ip-weight-1m': 12_000, 'x-sapi-used-uid-weight-1m': 180_000 },
  papi: { 'x-mbx-used-weight-1m': 6_000, 'x-mbx-order-count-1m': 1_200 },
  fapi: { 'x-mbx-used-weight-1m': 2_400 },
};

/**
 * Headers counted per account (UID). Binance gives each UID-weighted sapi
 * endpoint its own 180,000 per minute; counting them together per account is
 * stricter, never looser, and is what the bot's budget assumes.
 */
const PER_ACCOUNT = new Set(['x-sapi-used-uid-weight-1m', 'x-mbx-order-count-1m', 'x-mbx-order-count-10s']);

export type WeightKind = 'ip' | 'uid' | 'order';

export class UsageCounters {
  readonly #used = new Map<string, { window: number; used: number }>();

  constructor(private readonly serverNow: () => number) {}

  /** Adds a call's cost to its family's counters and returns each header's new value. */
  spend(family: EmulatedFamily, weight: number, kind: WeightKind, apiKey: string | undefined): Record<string, number> {
    const costs: Record<string, number> =
      family === 'sapi'
        ? { 'x-sapi-used-ip-weight-1m': kind === 'ip' ? weight : 0, 'x-sapi-used-uid-weight-1m': kind === 'uid' ? weight : 0 }
        : family === 'papi'
          ? { 'x-mbx-used-weight-1m': kind === 'ip' ? weight : 1, 'x-mbx-order-count-1m': kind === 'order' ? 1 : 0 }
          : { 'x-mbx-used-weight-1m': weight };
    const headers: Record<string, number> = {};
    for (const [header, cost] of Object.entries(costs)) {
      // A public call has no account: it spends no account's counters.
      if (PER_ACCOUNT.has(header) && apiKey === undefined) continue;
      const key = this.#key(family, header, apiKey);
      const window = this.#window(header);
      const current = this.#used.get(key);
      const used = (current?.window === window ? current.used : 0) + cost;
      this.#used.set(key, { window, used });
      headers[header] = used;
    }
    return headers;
  }

  /** Sets a counter as if other clients had spent weight this window (the account's, for UID and order counters). */
  set(family: EmulatedFamily, header: string, used: number, apiKey: string | undefined): void {
    this.#used.set(this.#key(family, header.toLowerCase(), apiKey), { window: this.#window(header), used });
  }

  /** A counter's value in the current window. */
  get(family: EmulatedFamily, header: string, apiKey: string | undefined): number {
    const current = this.#used.get(this.#key(family, header.toLowerCase(), apiKey));
    return current?.window === this.#window(header) ? current.used : 0;
  }

  clear(): void {
    this.#used.clear();
  }

  #key(family: EmulatedFamily, header: string, apiKey: string | undefined): string {
    return PER_ACCOUNT.has(header) ? `${family}:${header}:${apiKey ?? ''}` : `${family}:${header}`;
  }

  #window(header: string): number {
    return Math.floor(this.serverNow() / (header.endsWith('10s') ? 10_000 : 60_000));
  }
}
