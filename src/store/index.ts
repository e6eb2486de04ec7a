// The SQLite store: opens the file, brings the schema up to date, and hands
// out the tables' repositories. Knows nothing of Discord or of Binance's
// wire format.
import type { Secret } from '../secret.ts';
import { ActionLog } from './action-log.ts';
import { Database } from './database.ts';
import { FreezeStore } from './freeze.ts';
import { Grants } from './grants.ts';
import { HostBans } from './host-bans.ts';
import { migrate } from './migrations.ts';
import { PendingActions } from './pending-actions.ts';
import { Processes } from './processes.ts';
import { Proposals } from './proposals.ts';

export interface Store {
  readonly db: Database;
  readonly log: ActionLog;
  readonly pending: PendingActions;
  readonly grants: Grants;
  readonly processes: Processes;
  readonly proposals: Proposals;
  readonly freeze: FreezeStore;
  /** Binance's 429/418 waits per host, honoured by every process on this database. */
  readonly hostBans: HostBans;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly now?: () => number;
  /** BINANCE_DRY_RUN: every log row this process writes is marked dry-run. */
  readonly dryRun?: boolean;
  /** AUDIT_LOG_KEY: the action log's rows are HMAC-chained under it. */
  readonly auditLogKey?: Secret | undefined;
}

export async function openStore(path: string, options: StoreOptions = {}): Promise<Store> {
  const db = await Database.open(path);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    db,
    log: new ActionLog(db, options.now ?? Date.now, options.dryRun ?? false, options.auditLogKey),
    pending: new PendingActions(db),
    grants: new Grants(db),
    processes: new Processes(db),
    proposals: new Proposals(db),
    freeze: new FreezeStore(db),
    hostBans: new HostBans(db, options.now ?? Date.now),
    close: () => db.close(),
  };
}

export { ActionLog, LOG_EVENTS, type ChainVerdict, type LogEntry, type LogEvent, type LogRow } from './action-log.ts';
export { formatAnchor, parseAnchorLine, parseAnchors, type Anchor } from './anchors.ts';
export { HASH_SCHEMES, walkChain, type ChainReport, type HashScheme } from './log-chain.ts';
export {
  checkLogFile,
  LOG_CHECKS,
  runLogChecks,
  type CheckContext,
  type CheckResult,
  type LogCheck,
  type LogFileCheck,
  type LogVerdict,
} from './log-checks.ts';
export { Database, type Queries } from './database.ts';
export {
  accessChange,
  freezeParams,
  grantFromParams,
  grantParams,
  grantToParams,
  legacyGrantParams,
  legacyPolicyParams,
  legacyRevokeParams,
  policyParams,
  proposedParams,
  revokeParams,
  unfreezeParams,
  type AccessChange,
  type AccessChangeKind,
  type FreezeParams,
  type GrantParams,
  type PolicyParams,
  type ProposedParams,
  type RevokeParams,
  type UnfreezeParams,
} from './change-log.ts';
export { FreezeStore, type FreezeState } from './freeze.ts';
export { ANY_ACCOUNT, GRANT_ROLES, Grants, LEGACY_ANY_ASSET, strictestGrant, type Cap, type EffectiveGrant, type Grant, type GrantRole, type GrantSpec, type Policy } from './grants.ts';
export { HostBans, type StoredHostBan } from './host-bans.ts';
export { MigrationError, migrate } from './migrations.ts';
export { PendingActions, type PendingAction, type PendingState, type SpendQuery } from './pending-actions.ts';
export { Processes, type GatewayReport, type ProcessBeat } from './processes.ts';
export { Proposals, type Proposal, type ProposalState } from './proposals.ts';
