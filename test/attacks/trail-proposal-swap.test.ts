// Review of issue 12. The issue's first deliverable ("the same applies to any
// stored field the send depends on") stopped at actions: a PROPOSAL was
// applied from its stored row, never checked against its keyed `proposed`
// log row.
//
// ProposalService.approve applied `changeOf(proposal)` (proposals.change_json
// as stored) and took the maker, the target and needs_root from the same row.
// So a database writer turned a delegated admin's "grant alice
// pm.repay-debt, 100 USDT per request" into "grant mallory access.admin"; the
// checker approved what the message showed; the bot applied the swap and
// wrote a keyed `grant` row for it. Now the Approve compares the row with its
// `proposed` row and applies the logged change (src/actions/proposal-binding.ts);
// without a key, the digest the Approve button carries stops a rewrite of
// both (src/actions/click-digest.ts).
import { describe, expect, it } from 'vitest';
import type { AccessResult } from '../../src/actions/access.ts';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, createHarness, type Harness } from '../support/harness.ts';
import { forgeChainFrom, withoutTriggers } from '../support/tamper.ts';
import { useKeyedHarness, verifyWithKey } from './trail-support.ts';

const MALLORY_ID = '100000000000000066';

let h: Harness;
useKeyedHarness((harness) => {
  h = harness;
});

/** Bob and Carol hold access.admin (granted by the root); Bob proposes "grant alice pm.repay-debt, 100 USDT per request". */
async function bobProposesForAlice(harness: Harness): Promise<Extract<AccessResult, { kind: 'proposed' }>> {
  const admin = harness.actor(ADMIN_ID, 'admin');
  await harness.access.grant(admin, { user: BOB_ID, action: 'access.admin' });
  await harness.access.grant(admin, { user: CAROL_ID, action: 'access.admin' });
  const made = await harness.access.grant(harness.actor(BOB_ID, 'bob'), { user: ALICE_ID, action: 'pm.repay-debt', asset: 'USDT', maxAmount: '100' });
  if (made.kind !== 'proposed') throw new Error('expected a proposal');
  return made;
}

describe('a delegated admin’s proposal rewritten in the database before its checker approves it', () => {
  it('applies the change that was proposed, logged and shown, or nothing', async () => {
    const made = await bobProposesForAlice(h);
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

describe('a proposal and its proposed row rewritten together, the chain recomputed (no AUDIT_LOG_KEY)', () => {
  it('is refused by the digest its Approve button carries, and nothing changes', async () => {
    const plain = await createHarness();
    try {
      const made = await bobProposesForAlice(plain);
      const digest = plain.proposals.digestOf(made.proposal);
      const swapped = { kind: 'grant', user: MALLORY_ID, action: 'pm.repay-debt', account: '*', role: 'requester', caps: [] };
      await plain.store.db.run('UPDATE proposals SET change_json = ?, target_user_id = ? WHERE id = ?', [JSON.stringify(swapped), MALLORY_ID, made.proposal.id]);
      const [proposed] = (await plain.store.log.forAction(made.proposal.id)).filter((row) => row.event === 'proposed');
      if (proposed === undefined) throw new Error('no proposed row');
      const params = JSON.parse(proposed.params_json ?? '{}') as Record<string, unknown>;
      await withoutTriggers(plain.store.db, () => forgeChainFrom(plain.store.db, proposed.seq, { params_json: JSON.stringify({ ...params, change: swapped }) }, 'sha256'));
      await plain.restart();

      await expect(plain.proposals.approve(plain.actor(CAROL_ID, 'carol'), made.proposal.id, digest)).rejects.toMatchObject({ kind: 'tampered', findings: [expect.stringMatching(/its digest differs/)] });
      expect(await plain.store.grants.getExact(MALLORY_ID, 'pm.repay-debt', '*')).toBeUndefined();
      expect((await plain.store.proposals.get(made.proposal.id))?.state).toBe('cancelled');
    } finally {
      await plain.close();
    }
  });
});
