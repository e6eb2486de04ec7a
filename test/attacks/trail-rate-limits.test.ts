// Review of issue 12. Rate limits "under pressure and across processes"
// (README guard rails).
//
// - The weight budget is reserved synchronously, but in memory of ONE process
//   (HostLimits.budget, src/binance/host-limits.ts:60): only the 429/418 waits
//   are shared through SQLite. Two bot processes on one database, each with
//   room for 8 by Binance's own header, send 10 between them, and Binance
//   answers 429: the very thing the reservation exists to prevent.
// - A wait is shared through `binance_host_bans`, which a database writer can
//   delete: the process that met the 418 remembers it, every other process
//   (and a restart) sends into the ban, which Binance escalates.
// Now each call's IP weight is also reserved in SQLite in one transaction
// (src/store/host-weights.ts), and each wait is a `host-ban` row of the action
// log too, which cannot be deleted without breaking the chain
// (src/store/host-bans.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, createHarness, type Harness } from '../support/harness.ts';
import type { ActionService } from '../../src/actions/service.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const admin = () => h.actor(ADMIN_ID, 'admin');
const marginTypes = () => h.binance.requestsTo('/fapi/v1/marginType');
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'] as const;

/** A margin-type change requested (through `service`) and confirmed; resolves with the outcome's kind or the refusal. */
async function marginType(service: ActionService, symbol: string, type: 'ISOLATED' | 'CROSSED'): Promise<string> {
  const view = await service.request(admin(), h.endpoint('futures.margin-type'), { symbol, 'margin-type': type });
  try {
    const result = await service.confirm(admin(), view.action.id);
    return result.kind === 'claimed' ? (await result.run()).kind : result.kind;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Waits for a fresh minute when less than `ms` is left of Binance's current one (its counters restart each minute). */
async function roomInWindow(ms: number): Promise<void> {
  const left = 60_000 - (h.binance.serverNow() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 250));
}

describe('the weight budget with two bot processes on one database', () => {
  it('10 concurrent Confirms, 5 per process, against room for 8: at most 8 reach Binance, no 429', async () => {
    const other = await h.second({ instanceId: 'second:2' });
    try {
      await roomInWindow(15_000);
      // Other clients spent 2390 of fapi's 2400; each process learns it from its next answer.
      h.binance.setUsed('fapi', 'x-mbx-used-weight-1m', 2390);
      expect(await marginType(h.service, 'BTCUSDT', 'ISOLATED')).toBe('success');
      expect(await marginType(other.service, 'ETHUSDT', 'ISOLATED')).toBe('success');
      const before = marginTypes().length;

      const results = await Promise.all(
        SYMBOLS.flatMap((symbol) => [marginType(h.service, symbol, 'CROSSED'), marginType(other.service, symbol, 'ISOLATED')]),
      );
      const reached = marginTypes().slice(before);
      expect(
        { moreThan8: reached.length > 8, answered429: reached.filter((request) => request.status === 429 || request.status === 418).length },
        `${reached.length} reached Binance; outcomes: ${results.join(', ')}`,
      ).toEqual({ moreThan8: false, answered429: 0 });
    } finally {
      await other.close();
    }
  }, 90_000);
});

describe('a Binance IP ban shared through the database', () => {
  it('is still honoured by the other process after the binance_host_bans row is deleted', async () => {
    const other = await h.second({ instanceId: 'second:2' });
    try {
      h.binance.failNext('/fapi/v1/marginType', { kind: 'rate-limit', status: 418, retryAfterS: 600 });
      expect(await marginType(h.service, 'BTCUSDT', 'ISOLATED')).toBe('rate-limited');
      expect(await h.store.db.all('SELECT host, status FROM binance_host_bans')).toHaveLength(1);
      const afterBan = marginTypes().length;

      await h.store.db.run('DELETE FROM binance_host_bans');
      await marginType(other.service, 'ETHUSDT', 'ISOLATED');
      // Nothing may reach the host during its ban, from any process.
      expect(marginTypes().slice(afterBan)).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
