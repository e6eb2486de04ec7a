// Review of issue 12, in the default configuration (no AUDIT_LOG_KEY). The
// README's "what it cannot prove" said it ("Without a key, the binding … is
// only as strong as a plain hash a writer can recompute"); this test showed
// what that cost: the signing oracle was still open, the request the
// bot signed was not the one it showed.
//
// checkBinding trusted each log row by its OWN hash. Unkeyed, the insider
// rewrites the pending row AND its `requested` row consistently and recomputes
// that one row's plain hash. Now the click checks each of the action's rows
// against its neighbours in the chain (the next row's prev_hash no longer
// matches), and a running bot notices the row it checked has changed. A
// careful insider who recomputes the whole chain after the row, while no bot
// runs, is still stopped by the digest the Confirm button carries: Discord
// keeps it as the bot posted it (src/actions/click-digest.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowHash } from '../../src/store/log-chain.ts';
import { ADMIN_ID, createHarness, type Harness } from '../support/harness.ts';
import { forgeChainFrom, withoutTriggers } from '../support/tamper.ts';

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

  it('sends nothing when the whole chain after the row was recomputed with the bot stopped: the button’s digest is not the request’s', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' });
    await h.store.log.append({ event: 'startup', detail: 'another process' });
    const [requested] = await h.store.log.forAction(view.action.id);
    if (requested === undefined) throw new Error('no requested row');
    const stored = JSON.parse(view.action.requestJson) as { params: string[][] };
    await h.store.db.run('UPDATE pending_actions SET options_json = ?, request_json = ?, amount = ? WHERE id = ?', [
      '{"asset":"BTC","amount":"0.5"}',
      JSON.stringify({ ...stored, params: [['asset', 'BTC'], ['amount', '0.5']] }),
      '0.5',
      view.action.id,
    ]);
    await withoutTriggers(h.store.db, () =>
      forgeChainFrom(h.store.db, requested.seq, { params_json: '{"asset":"BTC","amount":"0.5"}', request_json: (requested.request_json ?? '').replace('amount=0.01', 'amount=0.5').replace('"amount":"0.01"', '"amount":"0.5"') }, 'sha256'),
    );
    // A bot process started on the forged file: nothing in the database disagrees any more.
    await h.restart();

    const error = await h.service.confirm(admin, view.action.id, view.digest).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ kind: 'tampered', findings: [expect.stringMatching(/its digest differs/)] });
    expect(h.binance.requestsTo('/papi/v1/margin/repay-debt')).toEqual([]);
    expect((await h.store.log.forAction(view.action.id)).map((row) => row.event)).toEqual(['requested', 'tamper']);
  });
});
