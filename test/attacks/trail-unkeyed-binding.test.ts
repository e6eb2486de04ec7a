// Review of issue 12: FAILING today, in the default configuration (no
// AUDIT_LOG_KEY). The README's "what it cannot prove" says it ("Without a key,
// the binding … is only as strong as a plain hash a writer can recompute");
// this test shows what that costs: the signing oracle is still open,
// the request the bot signs is not the one it showed.
//
// checkBinding trusts each log row by its OWN hash (ActionLog.checkedRowsOf,
// src/store/action-log.ts:187). Unkeyed, the insider rewrites the pending
// row AND its `requested` row consistently and recomputes that one row's plain
// hash; no chain link is checked at the click, so the next row's prev_hash
// (which no longer matches) is never looked at.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowHash } from '../../src/store/log-chain.ts';
import { ADMIN_ID, createHarness, type Harness } from '../support/harness.ts';
import { withoutTriggers } from '../support/tamper.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('a pending action and its requested row rewritten together (no AUDIT_LOG_KEY)', () => {
  it('sends nothing but the 0.01 BTC repay that was shown', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' });
    // A later row, so the requested row is not the head: its next row's prev_hash goes stale, which the click never reads.
    await h.store.log.append({ event: 'startup', detail: 'another process' });

    const options = '{"asset":"BTC","amount":"0.5"}';
    const stored = JSON.parse(view.action.requestJson) as { params: string[][] };
    await h.store.db.run('UPDATE pending_actions SET options_json = ?, request_json = ?, amount = ? WHERE id = ?', [
      options,
      JSON.stringify({ ...stored, params: [['asset', 'BTC'], ['amount', '0.5']] }),
      '0.5',
      view.action.id,
    ]);
    const [requested] = await h.store.log.forAction(view.action.id);
    if (requested === undefined) throw new Error('no requested row');
    const forged = {
      ...requested,
      params_json: options,
      request_json: (requested.request_json ?? '').replace('amount=0.01', 'amount=0.5').replace('"amount":"0.01"', '"amount":"0.5"'),
    };
    await withoutTriggers(h.store.db, async () => {
      await h.store.db.run('UPDATE action_log SET params_json = ?, request_json = ?, hash = ? WHERE seq = ?', [forged.params_json, forged.request_json, rowHash(forged, 'sha256', undefined) ?? '', requested.seq]);
    });

    await h.service.confirm(admin, view.action.id).then(
      async (result) => (result.kind === 'claimed' ? result.run() : undefined),
      () => undefined,
    );
    expect(h.binance.requestsTo('/papi/v1/margin/repay-debt').map((request) => request.totalParams.replace(/&recvWindow.*$/, ''))).not.toContain('asset=BTC&amount=0.5');
  });
});
