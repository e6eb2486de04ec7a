// The schema as the migrations made it: a planted trigger, a dropped one, a
// missing index or a deleted event is named; re-creating an object exactly as
// it was is not an alteration.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withoutTriggers } from '../../test/support/tamper.ts';
import { openStore, runLogChecks, type Store } from './index.ts';
import { SchemaCheck } from './schema-check.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  store = await openStore(join(dir, 'bot.sqlite'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const check = () => new SchemaCheck().check(store.db);

describe('the schema the migrations made', () => {
  it('finds nothing on a migrated database, nor after the append-only triggers were dropped and re-created as they were', async () => {
    expect(await check()).toEqual({ altered: [], restored: [] });
    await withoutTriggers(store.db, async () => undefined);
    expect(await check()).toEqual({ altered: [], restored: [] });
  });

  it('names a trigger planted on the outbox, a dropped append-only trigger and a dropped index', async () => {
    await store.db.exec("CREATE TRIGGER audit_outbox_quiet AFTER INSERT ON audit_outbox BEGIN UPDATE audit_outbox SET body_json = '{}' WHERE id = NEW.id; END");
    await store.db.exec('DROP TRIGGER action_log_no_delete; DROP INDEX action_log_action');
    expect([...(await check()).altered].sort()).toEqual([
      'a trigger `audit_outbox_quiet` on `audit_outbox` that no migration created',
      'the index `action_log_action` (on `action_log`) is missing',
      'the trigger `action_log_no_delete` (on `action_log`) is missing',
    ]);
  });

  it('names a trigger re-created with another body under its own name', async () => {
    await store.db.exec("DROP TRIGGER action_log_no_delete; CREATE TRIGGER action_log_no_delete BEFORE DELETE ON action_log WHEN OLD.event = 'requested' BEGIN SELECT RAISE(ABORT, 'no'); END");
    expect((await check()).altered).toEqual(['the trigger `action_log_no_delete` is not as the migrations made it']);
  });

  it('puts back an event deleted from log_events, and says so, so that a finding can still be logged', async () => {
    await store.db.run("DELETE FROM log_events WHERE name = 'tamper'");
    expect(await check()).toEqual({ altered: [], restored: ['tamper'] });
    expect(await store.db.get("SELECT name FROM log_events WHERE name = 'tamper'")).toEqual({ name: 'tamper' });
    await store.log.append({ event: 'tamper', detail: 'a finding' });
  });

  it('is one of verify-log’s checks: a planted trigger makes the log broken, named', async () => {
    await store.log.append({ event: 'startup' });
    expect((await runLogChecks({ db: store.db, key: undefined, anchors: undefined })).status).toBe('intact');
    await store.db.exec("CREATE TRIGGER audit_outbox_quiet AFTER INSERT ON audit_outbox BEGIN DELETE FROM audit_outbox WHERE id = NEW.id; END");
    const verdict = await runLogChecks({ db: store.db, key: undefined, anchors: undefined });
    expect(verdict.status).toBe('broken');
    expect(verdict.results.find((result) => result.name === 'schema')?.summary).toBe(
      "BROKEN: the database's schema was altered: a trigger `audit_outbox_quiet` on `audit_outbox` that no migration created",
    );
  });
});
