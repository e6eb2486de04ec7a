// Review of issue 12: FAILING today. "At most once" against a database writer
// who holds no key.
//
// The click's binding check (src/actions/binding.ts:113, checkBinding) reads
// the log rows ABOUT the action (ActionLog.checkedRowsOf,
// src/store/action-log.ts:187) and checks each row against its own HMAC. It
// never checks that those rows are a contiguous part of the chain, so it
// trusts the ABSENCE of a row: delete the action's keyed `confirmed`, `sent`
// and `outcome` rows (no key needed to delete), put the pending row back to
// `pending`, and the story "requested, nothing since" is what the bot reads.
// The next Confirm for that action id (a confirmation message whose edit after
// the send failed, a second client, a replayed interaction) sends the same
// request to Binance a second time. Cut from the tail with sqlite_sequence
// rewritten, verify-log with the key calls the chain intact too; only an
// anchor posted over the cut rows would tell.
import { describe, expect, it } from 'vitest';
import { ADMIN_ID, type Harness } from '../support/harness.ts';
import { claimed } from '../support/outcomes.ts';
import { withoutTriggers } from '../support/tamper.ts';
import { useKeyedHarness, verifyWithKey } from './trail-support.ts';

let h: Harness;
useKeyedHarness((harness) => {
  h = harness;
});

const admin = () => h.actor(ADMIN_ID, 'admin');
const repays = () => h.binance.requestsTo('/papi/v1/margin/repay-debt');

/** A 5000 USDT repay requested, confirmed and sent once (a success). */
async function sentOnce(): Promise<string> {
  const view = await h.service.request(admin(), h.endpoint('pm.repay-debt'), { asset: 'USDT', amount: '5000' });
  expect((await claimed(await h.service.confirm(admin(), view.action.id)).run()).kind).toBe('success');
  expect(repays()).toHaveLength(1);
  return view.action.id;
}

/** The insider puts the action back to "requested, waiting for its Confirm": its later rows deleted, its row reset. */
async function rewind(actionId: string, options: { rewriteSequence: boolean }): Promise<void> {
  await withoutTriggers(h.store.db, async () => {
    await h.store.db.run("DELETE FROM action_log WHERE action_id = ? AND event <> 'requested'", [actionId]);
    if (options.rewriteSequence) await h.store.db.run("UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM action_log) WHERE name = 'action_log'");
  });
  await h.store.db.run(
    "UPDATE pending_actions SET state = 'pending', confirmed_at = NULL, claimed_by = NULL, claimed_at = NULL, outcome_kind = NULL, finished_at = NULL WHERE id = ?",
    [actionId],
  );
}

describe('a sent action rewound in the database (keyed log, no key needed)', () => {
  it('its tail rows cut and sqlite_sequence rewritten: a second Confirm does not send it again', async () => {
    const actionId = await sentOnce();
    await rewind(actionId, { rewriteSequence: true });
    // Without anchors, nothing in the database says it happened.
    expect((await verifyWithKey(h.store.db)).status).toBe('intact');

    const second = await h.service.confirm(admin(), actionId).then(
      async (result) => (result.kind === 'claimed' ? (await result.run()).kind : result.kind),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(repays(), `the second Confirm answered: ${second}`).toHaveLength(1);
  });

  it('even with a visible gap left in the chain (sqlite_sequence kept), the bot itself does not notice and sends again', async () => {
    const actionId = await sentOnce();
    // Another row after the action, so the deleted rows are in the middle of the chain.
    await h.store.log.append({ event: 'startup', detail: 'a later row' });
    await rewind(actionId, { rewriteSequence: false });
    // verify-log would name the gap afterwards...
    expect((await verifyWithKey(h.store.db)).status).toBe('broken');

    // ...but the click must not need verify-log to refuse a replay.
    await h.service.confirm(admin(), actionId).then(
      async (result) => (result.kind === 'claimed' ? result.run() : undefined),
      () => undefined,
    );
    expect(repays()).toHaveLength(1);
  });
});
