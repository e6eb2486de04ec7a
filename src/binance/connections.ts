// The HTTP side of a client: where each family's calls go (origin and path
// prefix, parsed once from BINANCE_SAPI_URL and its siblings) and one keep-alive
// undici pool per origin, with the client's timeout on connect, headers and body.
import { Pool } from 'undici';
import type { Family } from './families.ts';

export interface FamilyBase {
  readonly origin: string;
  readonly prefix: string;
}

export class Connections {
  readonly #baseUrls: Readonly<Record<Family, string>>;
  readonly #timeoutMs: number;
  readonly #bases = new Map<Family, FamilyBase>();
  readonly #pools = new Map<string, Pool>();

  constructor(baseUrls: Readonly<Record<Family, string>>, timeoutMs: number) {
    this.#baseUrls = baseUrls;
    this.#timeoutMs = timeoutMs;
  }

  /** A family's origin (the host its limits and bans belong to) and path prefix. */
  base(family: Family): FamilyBase {
    let base = this.#bases.get(family);
    if (base === undefined) {
      const url = new URL(this.#baseUrls[family]);
      base = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
      this.#bases.set(family, base);
    }
    return base;
  }

  pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      const timeoutMs = this.#timeoutMs;
      pool = new Pool(origin, {
        connections: 16,
        keepAliveTimeout: 30_000,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        connect: { timeout: Math.min(timeoutMs, 10_000) },
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** Closes every pool (destroying one that will not close cleanly). */
  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close().catch(() => pool.destroy())));
  }
}
