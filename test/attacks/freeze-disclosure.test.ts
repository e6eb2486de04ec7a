// Review of issue 11 (attacks): while frozen, request() answers the freeze
// BEFORE it checks the grant (src/actions/service.ts request: freeze, then
// authorizer.check). Anyone in the server, with no grant at all, learns who
// froze the bot and why (the reason is meant for the desk: "suspected key
// leak", ...), and the log records a freeze refusal instead of "no grant".
// It failed at 6ba83d3 (the review) and holds since its fix.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { OperatorError } from '../../src/actions/errors.ts';
import { ADMIN_ID, createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const MALLORY_ID = '100000000000000066';

it('a user without any grant is told they hold no grant, not who froze the bot and why', async () => {
  await h.freeze.engage(h.actor(ADMIN_ID, 'admin'), 'suspected API key leak on the PM sub-account');
  const error = await h.service.request(h.actor(MALLORY_ID, 'mallory'), h.endpoint('pm-pro.bankruptcy-repay'), {}).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OperatorError);
  const message = (error as OperatorError).message;
  expect(message).toMatch(/not been granted/);
  expect(message).not.toMatch(/key leak|frozen by admin/);
  // Someone with no grant at all is only counted (issue 12's hygiene): no log row, least of all a freeze refusal.
  expect((await h.store.log.recent({ limit: 1 }))[0]?.event).toBe('freeze');
  await h.store.refusals.flush();
  expect(await h.store.refusals.since(0)).toEqual([{ userId: MALLORY_ID, refused: 1, invalid: 0 }]);
});
