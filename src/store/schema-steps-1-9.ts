// Schema steps 1–9: the first version's tables (pending actions, the action log
// and its hash chain, grants, heartbeats) and the segregation of duties (grants per
// account with roles and caps, policies, proposals, the freeze). Applied by
// migrate() in migrations.ts; never edit a released step, add a new one.
import type { Migration } from './migrations.ts';

export const STEPS_1_TO_9: readonly Migration[] = [
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
    version: 6,
    name: 'grants per account with a role; caps per asset with a daily total; policies per account',
    sql: `
      -- Rebuilt rather than altered: the primary keys gain the account. The new tables are
      -- filled first and renamed last, so with foreign keys on nothing cascades away.
      CREATE TABLE grants_v6 (
        user_id TEXT NOT NULL,
        action_key TEXT NOT NULL,
        -- A Binance account name, or '*' for every account; the most specific row wins.
        account TEXT NOT NULL DEFAULT '*',
        -- requester: may request (and approve others' requests); approver: may only approve or reject.
        role TEXT NOT NULL DEFAULT 'requester' CHECK (role IN ('requester', 'approver')),
        granted_by TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, action_key, account)
      );
      INSERT INTO grants_v6 (user_id, action_key, account, role, granted_by, granted_at)
        SELECT user_id, action_key, '*', 'requester', granted_by, granted_at FROM grants;
      -- One row per capped asset. An asset '*' can only come from an older database: the
      -- bot refuses amounts under such a grant until an admin re-grants with a named asset.
      CREATE TABLE grant_caps (
        user_id TEXT NOT NULL,
        action_key TEXT NOT NULL,
        account TEXT NOT NULL DEFAULT '*',
        asset TEXT NOT NULL,
        -- Decimal text, never a number: per request, and over any rolling 24 hours.
        max_amount TEXT,
        daily_max TEXT,
        PRIMARY KEY (user_id, action_key, account, asset),
        CHECK (max_amount IS NOT NULL OR daily_max IS NOT NULL),
        FOREIGN KEY (user_id, action_key, account) REFERENCES grants_v6 (user_id, action_key, account) ON DELETE CASCADE
      );
      INSERT INTO grant_caps (user_id, action_key, account, asset, max_amount, daily_max)
        SELECT user_id, action_key, '*', asset, max_amount, NULL FROM grant_limits;
      DROP TABLE grant_limits;
      DROP TABLE grants;
      -- Renaming also re-points grant_caps' foreign key at "grants".
      ALTER TABLE grants_v6 RENAME TO grants;

      CREATE TABLE policies_v6 (
        action_key TEXT NOT NULL,
        account TEXT NOT NULL DEFAULT '*',
        approvals INTEGER NOT NULL CHECK (approvals IN (0, 1)),
        set_by TEXT NOT NULL,
        set_at INTEGER NOT NULL,
        PRIMARY KEY (action_key, account)
      );
      INSERT INTO policies_v6 (action_key, account, approvals, set_by, set_at)
        SELECT action_key, '*', approvals, set_by, set_at FROM policies;
      DROP TABLE policies;
      ALTER TABLE policies_v6 RENAME TO policies;
    `,
  },
  {
    version: 7,
    name: 'pending actions keep their account, approvals rule, capped amount and why they closed',
    sql: `
      -- The account the action runs on (the unprefixed Binance key is the account "main").
      ALTER TABLE pending_actions ADD COLUMN account TEXT NOT NULL DEFAULT 'main';
      -- The approvals rule when it was requested: a later policy change cannot release it.
      ALTER TABLE pending_actions ADD COLUMN approvals_required INTEGER NOT NULL DEFAULT 0 CHECK (approvals_required IN (0, 1));
      -- The amount the grant's caps apply to (decimal text), for the rolling daily totals.
      ALTER TABLE pending_actions ADD COLUMN amount_asset TEXT;
      ALTER TABLE pending_actions ADD COLUMN amount TEXT;
      -- Why it was closed when that was not its requester's doing (e.g. the freeze).
      ALTER TABLE pending_actions ADD COLUMN closed_reason TEXT;
      CREATE INDEX pending_actions_spend ON pending_actions (requester_id, action_key, amount_asset);
    `,
  },
  {
    version: 8,
    name: 'log events in a table, so a new event is one INSERT',
    sql: `
      CREATE TABLE log_events (name TEXT PRIMARY KEY) WITHOUT ROWID;
      INSERT INTO log_events (name) VALUES
        ('requested'), ('invalid'), ('refused'), ('confirmed'), ('approved'), ('rejected'), ('cancelled'),
        ('expired'), ('sent'), ('outcome'), ('grant'), ('revoke'), ('policy'),
        ('proposed'), ('freeze'), ('unfreeze');

      -- The highest number ever issued, which can be above the last row (a deleted tail):
      -- kept so that verify() still sees the gap after the rebuild.
      CREATE TABLE action_log_issued AS SELECT seq FROM sqlite_sequence WHERE name = 'action_log';
      CREATE TABLE action_log_v8 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms INTEGER NOT NULL,
        event TEXT NOT NULL REFERENCES log_events (name),
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
      -- Every column copied as it is: the hashes cover them, so the chain still verifies.
      INSERT INTO action_log_v8 (seq, at_ms, event, action_id, action_key, user_id, user_tag, guild_id, channel_id,
          params_json, request_json, outcome_kind, http_status, binance_code, response_json, latency_ms, detail,
          dry_run, prev_hash, hash)
        SELECT seq, at_ms, event, action_id, action_key, user_id, user_tag, guild_id, channel_id,
          params_json, request_json, outcome_kind, http_status, binance_code, response_json, latency_ms, detail,
          dry_run, prev_hash, hash
        FROM action_log ORDER BY seq;
      -- (A DROP TABLE's implicit delete fires no trigger; the append-only triggers go with the table.)
      DROP TABLE action_log;
      ALTER TABLE action_log_v8 RENAME TO action_log;
      UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM action_log_issued), 0)) WHERE name = 'action_log';
      INSERT INTO sqlite_sequence (name, seq)
        SELECT 'action_log', seq FROM action_log_issued WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'action_log');
      DROP TABLE action_log_issued;
      CREATE INDEX action_log_user ON action_log (user_id, seq);
      CREATE INDEX action_log_key ON action_log (action_key, seq);
      CREATE INDEX action_log_action ON action_log (action_id);
      CREATE TRIGGER action_log_no_update BEFORE UPDATE ON action_log
        BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END;
      CREATE TRIGGER action_log_no_delete BEFORE DELETE ON action_log
        BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END;
    `,
  },
  {
    version: 9,
    name: 'access proposals (maker-checker) and the freeze',
    sql: `
      -- A delegated admin's change waits here for a second person; one conditional
      -- UPDATE closes it, so a double click or a second process cannot apply it twice.
      CREATE TABLE proposals (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('grant', 'revoke', 'policy', 'unfreeze')),
        -- The change as it will be applied (and logged), and the state it was proposed
        -- against: an approval applies it only if that state is still the current one.
        change_json TEXT NOT NULL,
        basis_json TEXT NOT NULL,
        target_user_id TEXT,
        needs_root INTEGER NOT NULL DEFAULT 0 CHECK (needs_root IN (0, 1)),
        maker_id TEXT NOT NULL,
        maker_tag TEXT NOT NULL,
        guild_id TEXT,
        channel_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('open', 'approved', 'rejected', 'expired', 'cancelled')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        checker_id TEXT,
        checker_tag TEXT,
        closed_at INTEGER,
        closed_reason TEXT,
        message_channel_id TEXT,
        message_id TEXT
      );
      CREATE INDEX proposals_open ON proposals (state, expires_at);
      -- The emergency stop: a row while engaged, none otherwise. Every process reads it
      -- inside the transactions that claim and send.
      CREATE TABLE freeze (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        reason TEXT NOT NULL,
        by_id TEXT NOT NULL,
        by_tag TEXT NOT NULL,
        since INTEGER NOT NULL
      );
    `,
  },
];
