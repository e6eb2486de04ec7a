// Confirmations and approval requests whose window ran out: each is marked
// expired and logged in one transaction, whoever notices it first (the
// sweeper, or a late click in any process).
import type { PendingAction, Store } from '../store/index.ts';
import { onRequest } from './actor.ts';

export function expireDueActions(store: Store, now: number): Promise<PendingAction[]> {
  return store.db.transaction(async (tx) => {
    const expired = await store.pending.expireDue(tx, now);
    for (const action of expired) {
      await store.log.appendIn(tx, { event: 'expired', ...onRequest(action), detail: action.confirmedAt === null ? 'not confirmed in time' : 'not approved in time' });
    }
    return expired;
  });
}
