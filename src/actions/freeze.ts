// The emergency stop. Anyone holding a grant (or a root admin) engages it with
// a reason; at once, in one transaction, every confirmation and approval
// request still waiting for a click is closed, and so is every open proposal
// that would add a right. Proposals that only take rights away (a revoke, a
// lowered cap, a narrowed role, a raised policy) stay open: they are what a
// desk needs during an incident, and while frozen a delegated admin may
// propose only such changes (proposals.ts). From
// then on the pipeline refuses new money-moving requests and clicks, and the
// transactions that claim an action and that write its "sent" row both read the
// freeze, so an action claimed a moment before sends nothing either. The state
// lives in SQLite, so every bot process on the database sees it. Releasing
// needs two people: a root admin, or an access.admin holder's proposal approved
// by a second one. Read-only commands keep working throughout.
import { inEnglish, type Said } from '../i18n/index.ts';
import { accessChange, type FreezeState, type PendingAction, type Proposal, type Queries, type Store } from '../store/index.ts';
import { applyChange, parseBasis, widensNothing } from './access-changes.ts';
import type { AccessResult } from './access.ts';
import { who, type Actor } from './actor.ts';
import { ACCESS_ADMIN, type Authorizer } from './authorization.ts';
import { OperatorError } from './errors.ts';
import { assertTrail } from './integrity.ts';
import type { ProposalService } from './proposals.ts';
import { recordRefusal } from './refusals.ts';
import { SecretScreen, WITHHELD } from './secret-input.ts';
import type { Secret } from '../secret.ts';

export interface FreezeServiceOptions {
  readonly store: Store;
  readonly authorizer: Authorizer;
  readonly proposals: ProposalService;
  readonly now?: () => number;
  /** The configured secrets: a reason that holds one is refused and stored nowhere (secret-input.ts). */
  readonly secrets?: readonly (Secret | undefined)[];
}

export interface Engaged {
  readonly freeze: FreezeState;
  /** Confirmations and approval requests it closed. */
  readonly actions: readonly PendingAction[];
  /** Proposals it closed (those that would add a right). */
  readonly proposals: readonly Proposal[];
  /** Proposals it left open: they only take rights away. */
  readonly kept: readonly Proposal[];
}

export class FreezeService {
  readonly #options: FreezeServiceOptions;
  readonly #now: () => number;

  constructor(options: FreezeServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  current(): Promise<FreezeState | undefined> {
    return this.#options.store.freeze.current();
  }

  /** /freeze on: takes effect at once for every process; closes everything waiting for a click. */
  async engage(actor: Actor, reason: string): Promise<Engaged> {
    const { store, authorizer } = this.#options;
    if (!(await authorizer.isKnownUser(actor.id))) {
      await recordRefusal(store, authorizer, { event: 'refused', ...who(actor), userId: actor.id, detail: 'freeze: holds no grant' });
      throw new OperatorError('refused', (t) => t.freeze.onlyGranted);
    }
    const now = this.#now();
    // The stop always works; a reason that holds a configured secret is not kept (nor logged, nor posted).
    const shown = new SecretScreen(this.#options.secrets ?? []).holdsSecret(reason) ? WITHHELD : reason;
    const freeze: FreezeState = { reason: shown, byId: actor.id, byTag: actor.tag, since: now };
    const closedBy = inEnglish(frozenBy(freeze));
    const result = await store.db.transaction(async (tx) => {
      if (!(await store.freeze.engage(tx, freeze))) return undefined;
      await store.log.appendIn(tx, { event: 'freeze', ...who(actor), params: { reason: shown } });
      const actions = await store.pending.closeAllOpen(tx, closedBy, now);
      for (const action of actions) {
        await store.log.appendIn(tx, { event: 'cancelled', actionId: action.id, actionKey: action.actionKey, ...who(actor), detail: closedBy });
      }
      const proposals: Proposal[] = [];
      const kept: Proposal[] = [];
      for (const proposal of await store.proposals.allOpen(tx)) {
        if (survivesFreeze(proposal)) {
          kept.push(proposal);
          continue;
        }
        const closed = await store.proposals.cancel(tx, proposal.id, closedBy, now);
        if (closed === undefined) continue;
        proposals.push(closed);
        await store.log.appendIn(tx, { event: 'cancelled', actionId: proposal.id, actionKey: ACCESS_ADMIN, ...who(actor), detail: closedBy });
      }
      return { freeze, actions, proposals, kept };
    });
    if (result === undefined) {
      const current = await store.freeze.current();
      throw new OperatorError('invalid', current === undefined ? (t) => t.freeze.alreadyFrozen : (t) => t.freeze.alreadyFrozenBy({ by: frozenBy(current)(t) }));
    }
    return result;
  }

  /** /freeze off: a root admin releases at once; an access.admin holder proposes; anyone else is refused. */
  async release(actor: Actor): Promise<AccessResult> {
    const { store, authorizer, proposals } = this.#options;
    if ((await store.freeze.current()) === undefined) throw new OperatorError('invalid', (t) => t.freeze.notFrozen);
    const decision = await authorizer.check(actor.id, ACCESS_ADMIN, { use: 'request' });
    if (!decision.allowed) {
      await recordRefusal(store, authorizer, { event: 'refused', ...who(actor), userId: actor.id, detail: `unfreeze: ${decision.reason}` });
      throw new OperatorError('refused', (t) => t.freeze.releaseNeedsTwo);
    }
    const change = { kind: 'unfreeze' as const };
    if (decision.via === 'grant') {
      const proposal = await proposals.propose(actor, change, { needsRoot: false });
      return { kind: 'proposed', change, before: parseBasis(change, proposal.basisJson), proposal };
    }
    const since = await store.db.transaction(async (tx) => {
      await assertTrail(store, tx);
      const current = await store.freeze.current(tx);
      return (await applyChange(store, tx, change, { by: actor, now: this.#now() })) ? current?.since : undefined;
    });
    if (since === undefined) throw new OperatorError('invalid', (t) => t.freeze.notFrozen);
    return { kind: 'applied', change, before: { kind: 'unfreeze', since }, by: actor };
  }
}

/** Whether an open proposal stays open through a freeze: it only takes rights away. */
export function survivesFreeze(proposal: Proposal): boolean {
  const change = accessChange.parse(JSON.parse(proposal.changeJson));
  return widensNothing(change, parseBasis(change, proposal.basisJson));
}

/** The freeze in force, read inside a caller's transaction (claim, send). */
export function frozenIn(store: Store, q: Queries): Promise<FreezeState | undefined> {
  return store.freeze.current(q);
}

/** "frozen by alice: suspected key leak" (in English, the closed_reason of what the freeze closed). */
export function frozenBy(freeze: FreezeState): Said {
  return (t) => t.freeze.frozenBy({ by: freeze.byTag, reason: freeze.reason });
}

/** The refusal every money-moving request and click gets while frozen. */
export function frozenRefusal(freeze: FreezeState): Said {
  return (t) => t.freeze.refusal({ frozenBy: frozenBy(freeze)(t), since: new Date(freeze.since).toISOString() });
}
