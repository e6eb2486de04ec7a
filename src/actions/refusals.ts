// Refusals and invalid input, recorded by who they come from. Someone who
// holds a grant (or a root admin) gets a full log row, mirrored to the audit
// channel: a trusted person being turned down is part of the story. Anyone
// else in the server, holding no grant at all, is only counted per user and
// minute (store/refusal-counts.ts): none of their text is stored, no log row
// is written and nothing is posted, so a flood of junk can fill neither the
// log nor the audit channel.
import type { LogEntry, Queries, Store } from '../store/index.ts';
import type { Authorizer } from './authorization.ts';

export type RefusalEntry = LogEntry & { readonly event: 'refused' | 'invalid'; readonly userId: string };

/** Logs `entry`, or only counts it when its user holds no grant; inside the caller's transaction when given `tx`. */
export async function recordRefusal(store: Store, authorizer: Authorizer, entry: RefusalEntry, tx?: Queries): Promise<void> {
  if (!(await authorizer.isKnownUser(entry.userId, tx))) store.refusals.count(entry.userId, entry.event);
  else if (tx === undefined) await store.log.append(entry);
  else await store.log.appendIn(tx, entry);
}
