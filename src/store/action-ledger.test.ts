// What counts against a daily cap, read from the log's rows (as the trail
// hands them in after checking them), never from pending_actions' columns.
import { describe, expect, it } from 'vitest';
import { ActionLedger, type LedgerRow } from './action-ledger.ts';

const USER = '100000000000000001';
const NOW = 1_800_000_000_000;
const DAY = 86_400_000;

/** Feeds the rows of one action's story: requested (amount, account), then the given events at `at`. */
function story(ledger: ActionLedger, id: string, amount: string, events: ReadonlyArray<readonly [string, string | null]>, at = NOW, extra: { user?: string; asset?: string; account?: string } = {}): void {
  let seq = ledger.rowsOf(id)?.length ?? 0;
  const row = (event: string, outcome: string | null = null, request: unknown = null): LedgerRow => ({
    seq: ++seq,
    at_ms: at,
    event,
    action_id: id,
    action_key: 'pm.repay-debt',
    user_id: extra.user ?? USER,
    request_json: request === null ? null : JSON.stringify(request),
    outcome_kind: outcome,
    hash: `${id}-${seq}`,
  });
  ledger.apply(row('requested', null, { family: 'papi', account: extra.account ?? 'main', amount: { asset: extra.asset ?? 'BTC', amount } }));
  for (const [event, outcome] of events) ledger.apply(row(event, outcome));
}

describe('what counts against a daily cap, by the log', () => {
  it('in-flight actions and sent ones whose outcome was success or UNKNOWN, inside the window, on the account', () => {
    const ledger = new ActionLedger();
    story(ledger, 'on-screen', '100', []); // requested, never confirmed
    story(ledger, 'flying', '0.25', [['confirmed', null], ['sent', null]]);
    story(ledger, 'awaiting', '0.5', [['confirmed', null]]);
    story(ledger, 'done', '1', [['confirmed', null], ['sent', null], ['outcome', 'success']]);
    story(ledger, 'unknown', '2', [['confirmed', null], ['sent', null], ['outcome', 'unknown']]);
    story(ledger, 'old', '40', [['confirmed', null], ['sent', null], ['outcome', 'success']], NOW - 90_000_000);
    story(ledger, 'refused-by-binance', '50', [['confirmed', null], ['sent', null], ['outcome', 'rejected']]);
    story(ledger, 'dry', '60', [['confirmed', null], ['sent', null], ['outcome', 'dry-run']]);
    story(ledger, 'frozen-at-send', '70', [['confirmed', null], ['outcome', 'not-sent']]);
    story(ledger, 'rejected', '75', [['confirmed', null], ['rejected', null]]);
    story(ledger, 'eth', '80', [['confirmed', null], ['sent', null], ['outcome', 'success']], NOW, { asset: 'ETH' });
    story(ledger, 'someone-else', '90', [['confirmed', null], ['sent', null], ['outcome', 'success']], NOW, { user: 'someone-else' });
    story(ledger, 'sub1', '4', [['confirmed', null], ['sent', null], ['outcome', 'success']], NOW, { account: 'sub1' });
    const query = { userId: USER, actionKey: 'pm.repay-debt', asset: 'BTC', since: NOW - DAY };
    expect(ledger.spent({ ...query, account: '*' }).sort()).toEqual(['0.25', '0.5', '1', '2', '4']);
    expect(ledger.spent({ ...query, account: 'main' }).sort()).toEqual(['0.25', '0.5', '1', '2']);
    expect(ledger.spent({ ...query, account: 'main', excludeId: 'flying' }).sort()).toEqual(['0.5', '1', '2']);
  });

  it('keeps every row it saw about an action, with its hash, and forgets finished actions two days later', () => {
    const ledger = new ActionLedger();
    story(ledger, 'done', '1', [['confirmed', null], ['sent', null], ['outcome', 'success']]);
    story(ledger, 'open', '1', [['confirmed', null]]);
    expect(ledger.rowsOf('done')?.map((row) => [row.seq, row.event, row.hash])).toEqual([
      [1, 'requested', 'done-1'],
      [2, 'confirmed', 'done-2'],
      [3, 'sent', 'done-3'],
      [4, 'outcome', 'done-4'],
    ]);
    ledger.prune(NOW + 2 * DAY + 1);
    expect(ledger.rowsOf('done')).toBeUndefined();
    expect(ledger.rowsOf('open')).toHaveLength(2);
  });
});
