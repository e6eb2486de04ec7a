// The SQLite store: opens the file, brings the schema up to date, and hands
// out the three tables' repositories. Knows nothing of Discord or of Binance's
// wire format.
import { ActionLog } from './action-log.ts';
import { Database } from './database.ts';
import { Grants } from './grants.ts';
import { migrate } from './migrations.ts';
import { PendingActions } from './pending-actions.ts';
import { Processes } from './processes.ts';

export interface Store {
  readonly db: Database;
  readonly log: ActionLog;
  readonly pending: PendingActions;
  readonly grants: Grants;
  readonly processes: Processes;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly now?: () => number;
  /** BINANCE_DRY_RUN: every log row this process writes is marked dry-run. */
  readonly dryRun?: boolean;
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
    log: new ActionLog(db, options.now ?? Date.now, options.dryRun ?? false),
    pending: new PendingActions(db),
    grants: new Grants(db),
    processes: new Processes(db),
    close: () => db.close(),
  };
}

export { ActionLog, LOG_EVENTS, type ChainVerdict, type LogEntry, type LogEvent, type LogRow } from './action-log.ts';
export { Database, type Queries } from './database.ts';
export { Grants, type AmountLimit, type Grant, type Policy } from './grants.ts';
export { MigrationError, migrate } from './migrations.ts';
export { PendingActions, type PendingAction, type PendingState } from './pending-actions.ts';
export { Processes, type GatewayReport, type ProcessBeat } from './processes.ts';
