// Maker–checker for changes to who may do what. A delegated admin's change
// (and a non-root release of the freeze) is a proposal: it applies only when a
// DIFFERENT person who may approve it (another access.admin holder, or a root
// admin) clicks Approve within CONFIRM_TIMEOUT_SECONDS, and never when that
// person is the change's target. Granting access.admin needs a root admin as
// maker or checker. Approval, rejection and expiry are each one conditional
// UPDATE, so a double click or a second bot process applies a change at most
// once; every step is a log row (see src/store/change-log.ts). A proposal that
// can no longer apply as shown (its maker lost access.admin, or what it
// changes was changed since) is closed by the next sweep, not left live until
// a click. While the bot is frozen, only changes that take rights away may be
// proposed (and only those survive the freeze: freeze.ts).
import { inEnglish, type Said } from '../i18n/index.ts';
import { accessChange, type AccessChange, type LogEntry, type Proposal, type Queries, type Store } from '../store/index.ts';
import { applyChange, basisJson, basisOf, beforeOf, targetOf, widensNothing } from './access-changes.ts';
import { who, type Actor } from './actor.ts';
import { ACCESS_ADMIN, describeRight, type Authorizer } from './authorization.ts';
import { OperatorError } from './errors.ts';
import { storedReason } from './explain.ts';
import { frozenBy } from './freeze.ts';
import { UNCHECKABLE_BUTTON, type ClickDigest } from './click-digest.ts';
import { assertTrail } from './integrity.ts';
import { checkProposal, closeTamperedProposal, digestOfProposal, type LoggedProposal } from './proposal-binding.ts';
import { TamperedError } from './tamper.ts';
import { recordRefusal } from './refusals.ts';


export interface ProposalServiceOptions {
  readonly store: Store;
  readonly authorizer: Authorizer;
  /** CONFIRM_TIMEOUT_SECONDS, in ms: how long a proposal stays open. */
  readonly timeoutMs: number;
  readonly now?: () => number;
  /** Told about proposals closed without a click (expired, or stale at the sweep), whoever noticed. */
  readonly onClosed?: (closed: readonly Proposal[]) => void;
}

export interface ApprovedProposal {
  readonly proposal: Proposal;
  readonly change: AccessChange;
}

export class ProposalService {
  readonly #options: ProposalServiceOptions;
  readonly #now: () => number;

  constructor(options: ProposalServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Holds `change` for a second person; logged as `proposed` with the change and its expiry. */
  async propose(maker: Actor, change: AccessChange, options: { readonly needsRoot: boolean }): Promise<Proposal> {
    const { store } = this.#options;
    const now = this.#now();
    const expiresAt = now + this.#options.timeoutMs;
    const made = await store.db.transaction(async (tx) => {
      await assertTrail(store, tx);
      const before = await beforeOf(store, tx, change);
      const frozen = change.kind === 'unfreeze' ? undefined : await store.freeze.current(tx);
      if (frozen !== undefined && !widensNothing(change, before)) return { kind: 'frozen' as const, why: frozenBy(frozen) };
      const proposal = await store.proposals.create(
        tx,
        {
          kind: change.kind,
          changeJson: JSON.stringify(change),
          basisJson: basisJson(before),
          targetUserId: targetOf(change) ?? null,
          needsRoot: options.needsRoot,
          makerId: maker.id,
          makerTag: maker.tag,
          guildId: maker.guildId,
          channelId: maker.channelId,
          expiresAt,
        },
        now,
      );
      await store.log.appendIn(tx, { event: 'proposed', actionId: proposal.id, actionKey: ACCESS_ADMIN, ...who(maker), params: { change, needsRoot: options.needsRoot, expiresAt } });
      return { kind: 'proposed' as const, proposal };
    });
    if (made.kind === 'proposed') return made.proposal;
    const { why } = made;
    await store.log.append({ event: 'refused', actionKey: ACCESS_ADMIN, ...who(maker), params: { change }, detail: `proposal while ${inEnglish(why)}: it would add a right` });
    throw new OperatorError('refused', (t) => t.proposals.frozen({ frozenBy: why(t) }));
  }

  find(id: string): Promise<Proposal | undefined> {
    return this.#options.store.proposals.get(id);
  }

  changeOf(proposal: Proposal): AccessChange {
    return accessChange.parse(JSON.parse(proposal.changeJson));
  }

  setMessage(id: string, channelId: string, messageId: string): Promise<void> {
    return this.#options.store.proposals.setMessage(id, channelId, messageId);
  }

  /** The digest its buttons carry (click-digest.ts), from the proposal as this process just logged it. */
  digestOf(proposal: Proposal): string {
    return digestOfProposal({ change: this.changeOf(proposal), makerId: proposal.makerId, makerTag: proposal.makerTag, needsRoot: proposal.needsRoot, expiresAt: proposal.expiresAt });
  }

  /**
   * A checker's Approve: the proposal checked against its `proposed` log row
   * and the button's digest (the Discord layer always passes it), every rule
   * checked, then the proposal closed and the LOGGED change applied in one
   * transaction.
   */
  async approve(checker: Actor, id: string, digest?: ClickDigest): Promise<ApprovedProposal> {
    const { store, authorizer } = this.#options;
    const proposal = await this.#loadOpen(id);
    if (digest === null) throw new OperatorError('refused', UNCHECKABLE_BUTTON);
    const logged = await this.#bound(checker, proposal, digest ?? undefined);
    const right = await this.#mayCheck(checker, proposal, 'approve');
    if (logged.needsRoot && !authorizer.isRoot(logged.makerId) && !authorizer.isRoot(checker.id)) {
      return this.#refuse(
        checker,
        proposal,
        'approval: granting access.admin needs a root admin as maker or checker',
        (t) => t.proposals.needsRoot,
      );
    }
    const { change } = logged;
    const now = this.#now();
    // Decided inside the transaction: a revoke of either admin, or a change to what it changes, that commits meanwhile wins.
    const result = await store.db.transaction(async (tx) => {
      await assertTrail(store, tx);
      const current = (await store.proposals.get(id, tx)) ?? proposal;
      const again = await checkProposal(store, tx, current);
      if (!again.ok) {
        await closeTamperedProposal(store, tx, current, checker, again.findings, now);
        return { kind: 'tampered' as const, findings: again.findings };
      }
      const stale = await this.#staleness(tx, proposal);
      if (stale !== undefined) return { kind: 'stale' as const, why: stale };
      const still = await authorizer.check(checker.id, ACCESS_ADMIN, { use: 'approve', q: tx });
      if (!still.allowed) return { kind: 'refused' as const, why: still.says };
      if (!(await store.proposals.close(tx, id, 'approved', checker, now))) return { kind: 'lost' as const };
      await store.log.appendIn(tx, { event: 'approved', actionId: id, actionKey: ACCESS_ADMIN, ...who(checker), detail: describeRight(right) });
      await applyChange(store, tx, change, { by: checker, now, proposal });
      return { kind: 'applied' as const };
    });
    if (result.kind === 'tampered') throw new TamperedError(id, ACCESS_ADMIN, result.findings, 'proposal');
    if (result.kind === 'stale') await this.#closeStale(checker, proposal, result.why);
    if (result.kind === 'refused') {
      const { why } = result;
      return this.#refuse(checker, proposal, `approve: ${inEnglish(why)}`, (t) => t.common.refused({ reason: why(t) }));
    }
    if (result.kind === 'lost') return this.#lostRace(id);
    return { proposal: await this.#load(id), change };
  }

  /** A checker's Reject closes it; its maker's Reject withdraws it (cancelled). */
  async reject(actor: Actor, id: string): Promise<Proposal> {
    const { store } = this.#options;
    const proposal = await this.#loadOpen(id);
    const withdraw = actor.id === proposal.makerId;
    const right = withdraw ? undefined : await this.#mayCheck(actor, proposal, 'reject');
    const closed = await store.db.transaction(async (tx) => {
      const ok = await store.proposals.close(tx, id, withdraw ? 'cancelled' : 'rejected', actor, this.#now(), withdraw ? WITHDRAWN : undefined);
      if (ok) {
        await store.log.appendIn(tx, {
          event: withdraw ? 'cancelled' : 'rejected',
          actionId: id,
          actionKey: ACCESS_ADMIN,
          ...who(actor),
          detail: right === undefined ? WITHDRAWN : describeRight(right),
        });
      }
      return ok;
    });
    if (!closed) return this.#lostRace(id);
    return this.#load(id);
  }

  /**
   * The sweep's second half: closes every open proposal that can no longer
   * apply as shown (logged as cancelled, with why), and returns them, so their
   * messages are greyed out with the reason instead of staying live.
   */
  async closeStale(): Promise<Proposal[]> {
    const { store } = this.#options;
    const open = await store.proposals.open(this.#now());
    if (open.length === 0) return [];
    const closed = await store.db.transaction(async (tx) => {
      const done: Proposal[] = [];
      for (const proposal of open) {
        const why = await this.#staleness(tx, proposal);
        if (why === undefined) continue;
        const cancelled = await store.proposals.cancel(tx, proposal.id, inEnglish(why), this.#now());
        if (cancelled === undefined) continue;
        await store.log.appendIn(tx, closedWithoutClick(proposal, 'cancelled', inEnglish(why)));
        done.push(cancelled);
      }
      return done;
    });
    if (closed.length > 0) this.#options.onClosed?.(closed);
    return closed;
  }

  /** Marks every proposal past its window as expired (and logs it); returns them. */
  async expireDue(): Promise<Proposal[]> {
    const { store } = this.#options;
    const expired = await store.db.transaction(async (tx) => {
      const due = await store.proposals.expireDue(tx, this.#now());
      for (const proposal of due) {
        await store.log.appendIn(tx, closedWithoutClick(proposal, 'expired', 'not approved in time; nothing changed'));
      }
      return due;
    });
    if (expired.length > 0) this.#options.onClosed?.(expired);
    return expired;
  }

  /** The proposal as logged; a stored row that differs is closed as tampered (TamperedError), and nothing changes. */
  async #bound(actor: Actor, proposal: Proposal, digest: string | undefined): Promise<LoggedProposal> {
    const { store } = this.#options;
    const verdict = await checkProposal(store, store.db, proposal, digest);
    if (verdict.ok) return verdict.logged;
    await store.db.transaction((tx) => closeTamperedProposal(store, tx, proposal, actor, verdict.findings, this.#now()));
    throw new TamperedError(proposal.id, ACCESS_ADMIN, verdict.findings, 'proposal');
  }

  /** Why a proposal can no longer apply as shown, read in `q`: its maker lost access.admin, or its basis changed. */
  async #staleness(q: Queries, proposal: Proposal): Promise<Said | undefined> {
    const { store, authorizer } = this.#options;
    const maker = await authorizer.check(proposal.makerId, ACCESS_ADMIN, { use: 'request', q });
    if (!maker.allowed) return (t) => t.proposals.stale.makerLost({ tag: proposal.makerTag, actionKey: ACCESS_ADMIN });
    if ((await basisOf(store, q, this.changeOf(proposal))) !== proposal.basisJson) return (t) => t.proposals.stale.basisChanged;
    return undefined;
  }

  /** The checker rules shared by Approve and Reject; returns the right they act on. */
  async #mayCheck(actor: Actor, proposal: Proposal, verb: 'approve' | 'reject') {
    if (actor.id === proposal.makerId) {
      return this.#refuse(actor, proposal, 'self-approval', (t) => t.proposals.selfApproval);
    }
    if (proposal.targetUserId === actor.id) {
      return this.#refuse(actor, proposal, `${verb} by the change's target`, (t) => t.proposals.aboutYou[verb]);
    }
    const decision = await this.#options.authorizer.check(actor.id, ACCESS_ADMIN, { use: 'approve' });
    if (!decision.allowed) {
      const { says: reason } = decision;
      return this.#refuse(actor, proposal, `${verb}: ${decision.reason}`, (t) => t.proposals.onlyAdmins[verb]({ actionKey: ACCESS_ADMIN, reason: reason(t) }));
    }
    return decision;
  }

  async #load(id: string): Promise<Proposal> {
    const proposal = await this.#options.store.proposals.get(id);
    if (proposal === undefined) throw new OperatorError('not-found', (t) => t.proposals.unknown);
    return proposal;
  }

  async #loadOpen(id: string): Promise<Proposal> {
    const proposal = await this.#load(id);
    if (proposal.state === 'open' && proposal.expiresAt > this.#now()) return proposal;
    if (proposal.state === 'open' || proposal.state === 'expired') {
      await this.expireDue();
      throw new OperatorError('expired', (t) => t.proposals.expired);
    }
    throw new OperatorError('closed', closedProposalMessage(proposal));
  }

  async #lostRace(id: string): Promise<never> {
    const proposal = await this.#load(id);
    if (proposal.state === 'open' && proposal.expiresAt <= this.#now()) {
      await this.expireDue();
      throw new OperatorError('expired', (t) => t.proposals.expired);
    }
    throw new OperatorError('closed', closedProposalMessage(proposal));
  }

  /** Closes a proposal that can no longer apply as shown; logged as cancelled, with why. */
  async #closeStale(actor: Actor, proposal: Proposal, why: Said): Promise<never> {
    const { store } = this.#options;
    await store.db.transaction(async (tx) => {
      if (await store.proposals.close(tx, proposal.id, 'cancelled', actor, this.#now(), inEnglish(why))) {
        await store.log.appendIn(tx, { event: 'cancelled', actionId: proposal.id, actionKey: ACCESS_ADMIN, ...who(actor), detail: inEnglish(why) });
      }
    });
    throw new OperatorError('revoked', (t) => t.proposals.closedStale({ reason: why(t) }));
  }

  async #refuse(actor: Actor, proposal: Proposal, detail: string, message: Said): Promise<never> {
    await recordRefusal(this.#options.store, this.#options.authorizer, { event: 'refused', actionId: proposal.id, actionKey: ACCESS_ADMIN, ...who(actor), userId: actor.id, detail });
    throw new OperatorError('refused', message);
  }
}

/** The log row of a proposal closed without a click (expired, or stale at the sweep): under its maker, with why. */
function closedWithoutClick(proposal: Proposal, event: 'expired' | 'cancelled', detail: string): LogEntry {
  return {
    event,
    actionId: proposal.id,
    actionKey: ACCESS_ADMIN,
    userId: proposal.makerId,
    userTag: proposal.makerTag,
    guildId: proposal.guildId,
    channelId: proposal.channelId,
    detail,
  };
}

/** Why its maker withdrew it: the closed_reason and log detail of a proposal its maker rejected. */
const WITHDRAWN = inEnglish((t) => t.proposals.withdrawn);

export function closedProposalMessage(proposal: Proposal): Said {
  const { checkerTag, closedReason } = proposal;
  switch (proposal.state) {
    case 'approved':
      return (t) => t.proposals.closed.approved({ by: checkerTag ?? t.proposals.someone });
    case 'rejected':
      return (t) => t.proposals.closed.rejected({ by: checkerTag ?? t.proposals.someone });
    case 'cancelled':
      return (t) => t.proposals.closed.cancelled({ reason: closedReason === null ? t.proposals.cancelledWord : storedReason(closedReason)(t) });
    case 'expired':
      return (t) => t.proposals.expired;
    case 'open':
      return (t) => t.proposals.closed.open;
    default: {
      const unreachable: never = proposal.state;
      return unreachable;
    }
  }
}
