// Numbered schema migrations, applied in order at start-up, each in its own
// transaction with its version recorded, so a crash mid-way leaves the schema
// at a known version. A database newer than this code is refused rather than
// guessed at.
import type { Database } from './database.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'pending actions',
    sql: `
      CREATE TABLE pending_actions (
        id TEXT PRIMARY KEY,
        action_key TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        requester_tag TEXT NOT NULL,
        guild_id TEXT,
        channel_id TEXT,
        options_json TEXT NOT NULL,
        request_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN
          ('pending', 'awaiting_approval', 'executing', 'completed', 'cancelled', 'expired', 'rejected', 'failed')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        confirmed_at INTEGER,
        approver_id TEXT,
        approver_tag TEXT,
        approval_channel_id TEXT,
        approval_message_id TEXT,
        outcome_kind TEXT CHECK (outcome_kind IS NULL OR outcome_kind IN
          ('success', 'rejected', 'rate-limited', 'unknown', 'not-sent', 'dry-run')),
        finished_at INTEGER
      );
      CREATE INDEX pending_actions_open ON pending_actions (state, expires_at);
    `,
  },
  {
    version: 2,
    name: 'grants and approval policies',
    sql: `
      CREATE TABLE grants (
        user_id TEXT NOT NULL,
        action_key TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, action_key)
      );
      -- Per-asset caps on an amount-bearing grant; '*' caps every asset without its own line.
      CREATE TABLE grant_limits (
        user_id TEXT NOT NULL,
        action_key TEXT NOT NULL,
        asset TEXT NOT NULL,
        max_amount TEXT NOT NULL,
        PRIMARY KEY (user_id, action_key, asset),
        FOREIGN KEY (user_id, action_key) REFERENCES grants (user_id, action_key) ON DELETE CASCADE
      );
      CREATE TABLE policies (
        action_key TEXT PRIMARY KEY,
        approvals INTEGER NOT NULL CHECK (approvals IN (0, 1)),
        set_by TEXT NOT NULL,
        set_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'hash-chained action log',
    sql: `
      CREATE TABLE action_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms INTEGER NOT NULL,
        event TEXT NOT NULL CHECK (event IN
          ('requested', 'invalid', 'refused', 'confirmed', 'approved', 'rejected', 'cancelled', 'expired', 'sent',
           'outcome', 'grant', 'revoke', 'policy')),
        action_id TEXT,
        action_key TEXT,
        user_id TEXT,
        user_tag TEXT,
        guild_id TEXT,
        channel_id TEXT,
        params_json TEXT,
        request_json TEXT,
        outcome_kind TEXT,
        http_status INTEGER,
        binance_code INTEGER,
        response_json TEXT,
        latency_ms INTEGER,
        detail TEXT,
        dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX action_log_user ON action_log (user_id, seq);
      CREATE INDEX action_log_key ON action_log (action_key, seq);
      CREATE INDEX action_log_action ON action_log (action_id);
      -- Append-only: edits must go around these triggers, and the hash chain shows it.
      CREATE TRIGGER action_log_no_update BEFORE UPDATE ON action_log
        BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END;
      CREATE TRIGGER action_log_no_delete BEFORE DELETE ON action_log
        BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'which bot process claimed an action, and when',
    sql: `
      -- A process that starts while another still runs must not mistake the other's
      -- in-flight calls for interrupted ones: the claim names its owner.
      ALTER TABLE pending_actions ADD COLUMN claimed_by TEXT;
      ALTER TABLE pending_actions ADD COLUMN claimed_at INTEGER;
    `,
  },
  {
    version: 5,
    name: 'bot process heartbeats',
    sql: `
      -- Every running bot process beats here; a claim whose owner stopped beating was abandoned.
      -- (WAL needs every process on one host, so their clocks agree.)
      CREATE TABLE bot_processes (
        instance_id TEXT PRIMARY KEY,
        started_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: 'gateway state in the heartbeat',
    sql: `
      -- What \`npm run health\` reads: whether each beating process is connected to Discord's gateway,
      -- and since when. NULL until the process first reports it (it beats once before logging in).
      ALTER TABLE bot_processes ADD COLUMN gateway TEXT CHECK (gateway IS NULL OR gateway IN ('connected', 'disconnected'));
      ALTER TABLE bot_processes ADD COLUMN gateway_detail TEXT;
      ALTER TABLE bot_processes ADD COLUMN gateway_since INTEGER;
    `,
  },
];

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Applies every migration above the database's version; returns the versions applied. */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await db.transaction(async (tx) => {
      const current = (await tx.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations'))?.version ?? 0;
      if (current > known) {
        throw new MigrationError(
          `the database ${db.path} is at schema version ${current}, newer than this bot knows (${known}); run a newer bot or restore a backup`,
        );
      }
      // Re-checked inside the write lock: another process may have just applied it.
      if (current >= migration.version) return false;
      await tx.exec(migration.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, Date.now()]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
