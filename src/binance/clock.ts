// Binance's clock as this process estimates it. Requests carry a timestamp
// that Binance rejects (-1021) when it is more than 1 s ahead of its clock or
// older than recvWindow, so each family's timestamps come from the local clock
// corrected by the offset measured against the family's time endpoint.
import type { Family } from './families.ts';

export interface ClockSample {
  /** Local time when the time request left. */
  readonly sentAt: number;
  /** Local time when the answer arrived. */
  readonly receivedAt: number;
  readonly serverTime: number;
}

export class ServerClock {
  #offsetMs = 0;
  #roundTripMs: number | undefined;
  #syncedAt: number | undefined;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Binance's time now, by this estimate. */
  now(): number {
    return Math.round(this.localNow() + this.#offsetMs);
  }

  /** Takes a measurement; the server answered at about the round trip's midpoint. */
  record(sample: ClockSample): void {
    const roundTrip = Math.max(0, sample.receivedAt - sample.sentAt);
    this.#offsetMs = sample.serverTime - (sample.sentAt + roundTrip / 2);
    this.#roundTripMs = roundTrip;
    this.#syncedAt = sample.receivedAt;
  }

  get offsetMs(): number {
    return Math.round(this.#offsetMs);
  }

  get roundTripMs(): number | undefined {
    return this.#roundTripMs;
  }

  get syncedAt(): number | undefined {
    return this.#syncedAt;
  }
}

/** One ServerClock per family. */
export type FamilyClocks = Readonly<Record<Family, ServerClock>>;

/** Clocks for every family: the offset is the host's, so the clients of several accounts share them. */
export function familyClocks(localNow: () => number = Date.now): FamilyClocks {
  return { sapi: new ServerClock(localNow), papi: new ServerClock(localNow), fapi: new ServerClock(localNow) };
}
