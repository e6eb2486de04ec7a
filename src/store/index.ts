// The SQLite store: opens the file, brings the schema up to date, and hands
// out the tables' repositories. Knows nothing of Discord or of Binance's
// wire format.
import type { Secret } from '../secret.ts';
import { ActionLog } from './action-log.ts';
import { Database } from './database.ts';
import { FreezeStore } from './freeze.ts';
import { Grants } from './grants.ts';
import { HostBans } from './host-bans.ts';
import { HostWeights } from './host-weights.ts';
import { Leases } from './leases.ts';
import { migrate } from './migrations.ts';
import { AuditOutbox } from './outbox.ts';
import { PendingActions } from './pending-actions.ts';
import { Previews } from './previews.ts';
import { Processes } from './processes.ts';
import { Proposals } from './proposals.ts';
import { ReconcileSchedule } from './reconcile-schedule.ts';
import { RefusalCounts } from './refusal-counts.ts';
import { Trail } from './trail.ts';

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
  /** The IP weight every process on this database spends per host, reserved before each call. */
  readonly hostWeights: HostWeights;
  /** What the audit channel must show (filled only when there is one), and the anchors. */
  readonly outbox: AuditOutbox;
  /** Jobs one process runs at a time (the audit poster). */
  readonly leases: Leases;
  /** Refusals of people who hold no grant: counted, never logged. */
  readonly refusals: RefusalCounts;
  /** What the bot trusts of the database, checked before each decision: schema, log, access tables (trail.ts). */
  readonly trail: Trail;
  /** The state each confirmation showed. */
  readonly previews: Previews;
  /** UNKNOWN outcomes: the reconciler's schedule, and what closed them. */
  readonly reconcile: ReconcileSchedule;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly now?: () => number;
  /** BINANCE_DRY_RUN: every log row this process writes is marked dry-run. */
  readonly dryRun?: boolean;
  /** AUDIT_LOG_KEY: the action log's rows are HMAC-chained under it. */
  readonly auditLogKey?: Secret | undefined;
  /** AUDIT_CHANNEL_ID is set: every log row this process writes is queued for the audit channel. */
  readonly auditMirror?: boolean;
}

export async function openStore(path: string, options: StoreOptions = {}): Promise<Store> {
  const db = await Database.open(path);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const now = options.now ?? Date.now;
  const outbox = new AuditOutbox(db, now, options.auditLogKey);
  const refusals = new RefusalCounts(db, now);
  const log = new ActionLog(db, now, options.dryRun ?? false, options.auditLogKey, options.auditMirror === true ? outbox : undefined);
  return {
    db,
    log,
    trail: new Trail(db, log, options.auditLogKey, now),
    pending: new PendingActions(db),
    grants: new Grants(db),
    processes: new Processes(db),
    proposals: new Proposals(db),
    freeze: new FreezeStore(db),
    hostBans: new HostBans(db, now, log),
    hostWeights: new HostWeights(db),
    outbox,
    leases: new Leases(db),
    refusals,
    previews: new Previews(db),
    reconcile: new ReconcileSchedule(db),
    close: async () => {
      await refusals.flush().catch(() => undefined);
      await db.close();
    },
  };
}

export { ActionLog, LOG_EVENTS, type AuditRow, type ChainVerdict, type LogEntry, type LogEvent, type LogRow } from './action-log.ts';
export { ANCHOR_POST_MARKS, anchorMac, formatAnchor, parseAnchorLine, parseAnchors, type Anchor } from './anchors.ts';
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
export { HostWeights } from './host-weights.ts';
export { Leases } from './leases.ts';
export { MigrationError, migrate } from './migrations.ts';
export {
  ANCHOR_EVERY_ROWS,
  ANCHOR_MAX_AGE_MS,
  anchorOverdue,
  AuditOutbox,
  overdueLine,
  type AnchorReason,
  type AnchorStanding,
  type MirroredRow,
  type OutboxBacklog,
  type OutboxBody,
  type OutboxEntry,
} from './outbox.ts';
export { PendingActions, type PendingAction, type PendingState } from './pending-actions.ts';
export type { SpendQuery } from './action-ledger.ts';
export { Previews, type StoredPreview } from './previews.ts';
export { Processes, type GatewayReport, type ProcessBeat } from './processes.ts';
export { Proposals, type Proposal, type ProposalState } from './proposals.ts';
export {
  RECONCILE_STATES,
  ReconcileSchedule,
  type ReconcileState,
  type Resolution,
  type SameActionRow,
  type ScheduledCheck,
  type UnresolvedUnknown,
  type Verdict,
} from './reconcile-schedule.ts';
export { RefusalCounts, type RefusalKind, type RefusalTally } from './refusal-counts.ts';
export { schemaDifferences } from './schema-check.ts';
export { Trail, type TrailListener } from './trail.ts';
