// What the review of issue 12's attack tests share: the audit key the bot runs
// with, a keyed pipeline per test, and verify-log's checks (with that key, no
// anchors) over a live database.
import { afterEach, beforeEach } from 'vitest';
import { Secret } from '../../src/secret.ts';
import { runLogChecks, type LogVerdict, type Queries } from '../../src/store/index.ts';
import { createHarness, type Harness } from '../support/harness.ts';

/** AUDIT_LOG_KEY of the bot under attack: the insider does not hold it. */
export const KEY = 'audit-log-key-for-review12-attacks-0000000001';

/** A fresh keyed pipeline before each test of the calling file, handed to `use`; closed after it. */
export function useKeyedHarness(use: (harness: Harness) => void): void {
  let h: Harness | undefined;
  beforeEach(async () => {
    h = await createHarness({ auditLogKey: KEY });
    use(h);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
}

/** verify-log's checks with the key and without anchors: what vouches for the rows after the latest anchor. */
export function verifyWithKey(db: Pick<Queries, 'all' | 'get'>): Promise<LogVerdict> {
  return runLogChecks({ db, key: new Secret(KEY), anchors: undefined });
}
