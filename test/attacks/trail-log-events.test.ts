// Review of issue 12. The events a log row may carry are rows of
// the `log_events` table (a foreign key, migration 8): data a database writer
// can delete while no row uses it yet. Delete 'tamper', and a tamper finding
// can no longer be written: the click that found it fails with a SQLite error,
// the action stays open, no `tamper` row is logged and nothing reaches the
// audit channel. The insider can try again, unseen. Neither the bot at
// start-up nor verify-log checked the table. Now the bot's schema check
// (src/store/schema-check.ts) finds the missing event before anything is
// decided, puts it back and reports it; and a finding that cannot be logged
// still refuses and still reaches the listeners (stderr, the audit channel).
import { describe, expect, it } from 'vitest';
import { ADMIN_ID, type Harness } from '../support/harness.ts';
import { useKeyedHarness } from './trail-support.ts';

let h: Harness;
useKeyedHarness((harness) => {
  h = harness;
});

describe("the 'tamper' event deleted from log_events", () => {
  it('a rewritten request is still closed, logged as tamper and announced', async () => {
    await h.store.db.run("DELETE FROM log_events WHERE name = 'tamper'");
    const admin = h.actor(ADMIN_ID, 'admin');
    const view = await h.service.request(admin, h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' });
    await h.store.db.run("UPDATE pending_actions SET request_json = json_set(request_json, '$.path', '/papi/v1/um/order') WHERE id = ?", [view.action.id]);

    const error = await h.service.confirm(admin, view.action.id).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(String(error)).not.toMatch(/SQLITE|FOREIGN KEY/);
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toEqual([]);
    expect((await h.service.find(view.action.id))?.state).toBe('cancelled');
    expect((await h.store.log.forAction(view.action.id)).map((row) => row.event)).toEqual(['requested', 'tamper']);
  });
});

describe('a tamper row that cannot be written', () => {
  it('still refuses, and the finding still reaches the listeners (stderr and the audit channel)', async () => {
    const told: string[] = [];
    h.store.trail.onFinding((finding) => told.push(finding));
    // The insider's trigger aborts every tamper row (and is itself a finding: a trigger no migration created).
    await h.store.db.exec("CREATE TRIGGER no_tamper BEFORE INSERT ON action_log WHEN NEW.event = 'tamper' BEGIN SELECT RAISE(ABORT, 'no'); END");
    const error = await h.service.request(h.actor(ADMIN_ID, 'admin'), h.endpoint('pm.repay-debt'), { asset: 'BTC', amount: '0.01' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ kind: 'tampered', message: expect.stringMatching(/^Refused: the database's schema was altered: a trigger `no_tamper` on `action_log` that no migration created/) });
    await expect.poll(() => told).toEqual([
      "the database's schema was altered: a trigger `no_tamper` on `action_log` that no migration created",
      expect.stringMatching(/^could not log the finding above as a tamper row: SQLITE_CONSTRAINT: no/),
    ]);
    expect(await h.store.db.all("SELECT 1 FROM pending_actions")).toEqual([]);
    expect(h.binance.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });
});
