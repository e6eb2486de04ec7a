// Review of issue 12: FAILING today. The issue's first deliverable ("the same
// applies to any stored field the send depends on") stops at actions: a
// PROPOSAL is applied from its stored row, never checked against its keyed
// `proposed` log row.
//
// ProposalService.approve (src/actions/proposals.ts:96) applies
// `changeOf(proposal)` — `proposals.change_json` as stored — and takes the
// maker, the target and needs_root from the same row. The basis check passes
// whenever the new change replaces the same nothing (`null`: a first grant of
// anyone). So a database writer turns a delegated admin's "grant alice
// pm.repay-debt, 100 USDT per request" into "grant mallory access.admin";
// the checker approves what the message showed; the bot applies the swap and
// writes a keyed `grant` row for it. From then on mallory's access.admin is
// explained by the log: verify-log (with the key) is green, forever.
import { describe, expect, it } from 'vitest';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, type Harness } from '../support/harness.ts';
import { useKeyedHarness, verifyWithKey } from './trail-support.ts';

const MALLORY_ID = '100000000000000066';

let h: Harness;
useKeyedHarness((harness) => {
  h = harness;
});

describe('a delegated admin’s proposal rewritten in the database before its checker approves it', () => {
  it('applies the change that was proposed, logged and shown, or nothing', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    await h.access.grant(admin, { user: BOB_ID, action: 'access.admin' });
    await h.access.grant(admin, { user: CAROL_ID, action: 'access.admin' });
    const made = await h.access.grant(h.actor(BOB_ID, 'bob'), { user: ALICE_ID, action: 'pm.repay-debt', asset: 'USDT', maxAmount: '100' });
    if (made.kind !== 'proposed') throw new Error('expected a proposal');
    const shown = h.proposals.changeOf(made.proposal);
    expect(shown).toMatchObject({ kind: 'grant', user: ALICE_ID, action: 'pm.repay-debt' });

    // The insider: same basis (nobody held it before), another change, and no root needed any more.
    await h.store.db.run('UPDATE proposals SET change_json = ?, needs_root = 0 WHERE id = ?', [
      JSON.stringify({ kind: 'grant', user: MALLORY_ID, action: 'access.admin', account: '*', role: 'requester', caps: [] }),
      made.proposal.id,
    ]);

    // Carol approves the proposal her message showed: alice, pm.repay-debt, 100 USDT.
    await h.proposals.approve(h.actor(CAROL_ID, 'carol'), made.proposal.id).catch(() => undefined);

    const verdict = await verifyWithKey(h.store.db);
    expect(await h.store.grants.getExact(MALLORY_ID, 'access.admin', '*'), `verify-log with the key: ${verdict.status}`).toBeUndefined();
  });

  it('refuses the maker’s own Approve after maker_id was rewritten to someone else (four eyes, not two)', async () => {
    const admin = h.actor(ADMIN_ID, 'admin');
    await h.access.grant(admin, { user: BOB_ID, action: 'access.admin' });
    await h.access.grant(admin, { user: CAROL_ID, action: 'access.admin' });
    const made = await h.access.grant(h.actor(BOB_ID, 'bob'), { user: ALICE_ID, action: 'pm.repay-debt' });
    if (made.kind !== 'proposed') throw new Error('expected a proposal');
    // Bob, who proposed it and holds the file, names Carol as its maker, then approves it himself.
    await h.store.db.run("UPDATE proposals SET maker_id = ?, maker_tag = 'carol' WHERE id = ?", [CAROL_ID, made.proposal.id]);
    await h.proposals.approve(h.actor(BOB_ID, 'bob'), made.proposal.id).catch(() => undefined);

    const verdict = await verifyWithKey(h.store.db);
    expect(await h.store.grants.getExact(ALICE_ID, 'pm.repay-debt', '*'), `verify-log with the key: ${verdict.status}`).toBeUndefined();
  });
});
