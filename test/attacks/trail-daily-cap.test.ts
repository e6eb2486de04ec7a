// Review of issue 12. The README's "what it cannot prove" named the gap ("the
// daily caps count the amounts stored with other actions, which a database
// writer could lower"); these tests prove it was a way to move money, not only
// a blind spot of verify-log, and that more than the amount was open.
//
// checkDaily (src/actions/caps.ts) summed PendingActions.spentIn: the
// `amount`, `state`, `outcome_kind`, `claimed_at`, `requester_id`,
// `action_key` and `amount_asset` columns of the requester's OTHER actions.
// Now it sums what the hash-checked log says those actions did (their
// `requested`, `confirmed`, `sent` and `outcome` rows, src/store/action-ledger.ts),
// so no edit of those columns frees the cap. The last test first asserted the
// second send and a green verify-log; with the send refused it now asserts
// what the refusal is based on: the log's figure, not the edited column.
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_ID, CAROL_ID, type Harness } from '../support/harness.ts';
import { claimed } from '../support/outcomes.ts';
import { useKeyedHarness, verifyWithKey } from './trail-support.ts';

const REPAY = 'pm.repay-debt';

let h: Harness;
useKeyedHarness((harness) => {
  h = harness;
});
beforeEach(async () => {
  // A logged grant: 1000 USDT per 24 h.
  await h.access.grant(h.actor(ADMIN_ID, 'admin'), { user: CAROL_ID, action: REPAY, asset: 'USDT', dailyMax: '1000' });
});

const carol = () => h.actor(CAROL_ID, 'carol');
const repays = () => h.binance.requestsTo('/papi/v1/margin/repay-debt');

async function spend(amount: string): Promise<{ id: string; kind: string }> {
  const view = await h.service.request(carol(), h.endpoint(REPAY), { asset: 'USDT', amount });
  return { id: view.action.id, kind: (await claimed(await h.service.confirm(carol(), view.action.id)).run()).kind };
}

/** Carol spends her whole day, the insider edits one column of that action, and Carol spends it again. */
async function spendTwiceAfter(edit: (firstId: string) => Promise<void>): Promise<void> {
  const first = await spend('1000');
  expect(first.kind).toBe('success');
  await edit(first.id);
  // The guard rail: a second 1000 USDT within 24 h must be refused and send nothing.
  await expect(spend('1000')).rejects.toThrow(/daily cap/);
  expect(repays()).toHaveLength(1);
}

describe('a daily cap summed from columns a database writer can edit', () => {
  it('the earlier action’s stored amount lowered (1000 → 0): a second 1000 USDT goes out the same day', async () => {
    await spendTwiceAfter((id) => h.store.db.run("UPDATE pending_actions SET amount = '0' WHERE id = ?", [id]).then(() => undefined));
  });

  it('the earlier action marked failed (it was sent and succeeded): a second 1000 USDT goes out', async () => {
    await spendTwiceAfter((id) => h.store.db.run("UPDATE pending_actions SET state = 'failed' WHERE id = ?", [id]).then(() => undefined));
  });

  it('the earlier action’s claimed_at moved two days back: a second 1000 USDT goes out', async () => {
    await spendTwiceAfter((id) => h.store.db.run('UPDATE pending_actions SET claimed_at = claimed_at - 172800000 WHERE id = ?', [id]).then(() => undefined));
  });

  it('counts by the log: the refusal names the 1000 USDT the log holds, not the 0 the column says', async () => {
    const first = await spend('1000');
    await h.store.db.run("UPDATE pending_actions SET amount = '0' WHERE id = ?", [first.id]);
    await expect(spend('1000')).rejects.toThrow(/already spent or in flight: 1000 USDT; left: 0 USDT/);
    expect(repays()).toHaveLength(1);
    expect((await verifyWithKey(h.store.db)).status).toBe('intact');
  });
});
