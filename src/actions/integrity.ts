// The refusal every money-moving step and access change gives while the
// database is not what its log explains: its schema altered, the log cut or
// rewritten, or a grant, policy or freeze changed outside the bot (the store's
// trail.ts finds them, reports each once and logs it). Nothing is sent and
// nothing changes until a person has looked.
import type { Queries, Store } from '../store/index.ts';
import { OperatorError } from './errors.ts';

/** A step refused because the database was altered outside the bot. */
export class IntegrityError extends OperatorError {
  constructor(readonly findings: readonly string[]) {
    // The findings are the store's sentences, as the tamper row keeps them; the words around them are the reader's.
    super('tampered', (t) => t.pipeline.tampered.altered({ findings: clip(findings.join('; ')) }));
  }
}

/** Checks the trail in `q` (a transaction that has written nothing yet, or the database); throws IntegrityError on a finding. */
export async function assertTrail(store: Store, q: Queries): Promise<void> {
  const findings = await store.trail.check(q);
  if (findings.length > 0) throw new IntegrityError(findings);
}

function clip(text: string): string {
  return text.length > 1200 ? `${text.slice(0, 1199)}…` : text;
}
