// Schema steps from 10 on: the trail (host bans, hash schemes, tamper events, the
// audit outbox, refusal counters, shared weights), health, accounts' key checks
// and read-backs with reconciliation. Applied by migrate() in migrations.ts;
// never edit a released step, add a new one.
import type { Migration } from './migrations.ts';

export const STEPS_FROM_10: readonly Migration[] = [
  {
    version: 10,
    name: 'Binance waits shared by every bot process',
    sql: `
      -- A 429's Retry-After or a 418 IP ban, per Binance host (origin): every process on this
      -- database sends nothing to the host until until_ms (local epoch ms; the processes
      -- share one host, so one clock).
      CREATE TABLE binance_host_bans (
        host TEXT PRIMARY KEY,
        until_ms INTEGER NOT NULL,
        status INTEGER NOT NULL CHECK (status IN (429, 418)),
        recorded_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: 'the hash scheme of each action log row',
    sql: `
      -- Rows written before this carry 'sha256-v1' (their hash does not cover the scheme);
      -- new rows name theirs ('sha256', or 'hmac-sha256' under AUDIT_LOG_KEY) and their hash covers it.
      ALTER TABLE action_log ADD COLUMN hash_scheme TEXT NOT NULL DEFAULT 'sha256-v1'
        CHECK (hash_scheme IN ('sha256-v1', 'sha256', 'hmac-sha256'));
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
  {
    version: 13,
    name: 'log events: tamper findings, start-ups and shutdowns',
    sql: `
      -- tamper: a stored action that no longer matches its hash-checked "requested" row (nothing is sent);
      -- startup / shutdown: a bot process starting on, and stopping from, this database.
      INSERT INTO log_events (name) VALUES ('tamper'), ('startup'), ('shutdown');
    `,
  },
  {
    version: 14,
    name: 'the audit channel outbox, and leases',
    sql: `
      -- What the audit channel must show, written in the same transaction as the log row it
      -- mirrors (an event) or anchors (the chain head): nothing logged is missed, nothing
      -- unlogged is posted. Posted strictly in id order; the nonce makes a re-post after a
      -- crash return the message already created (Discord's enforce_nonce).
      CREATE TABLE audit_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('event', 'anchor')),
        seq INTEGER NOT NULL,
        body_json TEXT NOT NULL,
        nonce TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_attempt_at INTEGER,
        posted_at INTEGER,
        message_id TEXT
      );
      CREATE INDEX audit_outbox_waiting ON audit_outbox (id) WHERE posted_at IS NULL;
      -- A job only one bot process may run at a time (the audit poster): the holder renews
      -- it; another process takes it over once until_ms has passed.
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 15,
    name: 'refusal counters for people who hold no grant',
    sql: `
      -- Refusals and invalid input from people who hold no grant: counted per user and
      -- minute, never stored with their text, never a log row.
      CREATE TABLE refusal_counts (
        user_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('refused', 'invalid')),
        count INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (user_id, minute, kind)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 16,
    name: 'log events: Binance waits; rows by event',
    sql: `
      -- host-ban: a 429's Retry-After or a 418 IP ban, logged as well as kept in binance_host_bans,
      -- so that deleting the table's row does not lift it for the other processes.
      INSERT INTO log_events (name) VALUES ('host-ban');
      -- The latest rows of one event (the waits in force) without scanning the log.
      CREATE INDEX action_log_event ON action_log (event, seq);
    `,
  },
  {
    version: 17,
    name: 'IP weight shared by every bot process',
    sql: `
      -- The weight spent on each Binance host per usage counter in its current window (server time
      -- divided by the counter's interval): Binance's latest figure, and the cost of the calls every
      -- process reserved and has not yet had an answer for. Each process reserves here before
      -- sending, so that together they stay within what Binance allows one IP address.
      CREATE TABLE binance_host_weight (
        host TEXT NOT NULL,
        header TEXT NOT NULL,
        window_no INTEGER NOT NULL,
        reported INTEGER NOT NULL CHECK (reported >= 0),
        in_flight INTEGER NOT NULL CHECK (in_flight >= 0),
        PRIMARY KEY (host, header)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 20,
    name: 'several Binance accounts: key checks in the log',
    sql: `
      -- key-check: what an account's API key may do, as Binance reported it (at start-up, and when it changes).
      INSERT INTO log_events (name) VALUES ('key-check');
    `,
  },
  // Versions 16–19 and 21–23 are kept for work landing in parallel; the numbers only have to grow.
  {
    version: 24,
    name: 'live state, read-backs and reconciliation of UNKNOWN outcomes',
    sql: `
      -- verified: the state read back after a success; reconciled: a decision on an UNKNOWN
      -- outcome (executed, not-executed, or still unknown), by the reconciler or by a person.
      INSERT INTO log_events (name) VALUES ('verified'), ('reconciled');
      -- The state a confirmation showed, as parsed by the endpoint's read-back: the "before"
      -- of its read-back and of its reconciliation.
      CREATE TABLE action_previews (
        action_id TEXT PRIMARY KEY,
        state_json TEXT NOT NULL,
        read_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- When the reconciler reads Binance back for each UNKNOWN outcome. Only a work queue:
      -- what was decided is in the log (reconciled rows). next_at NULL: nothing more to do.
      -- Each attempt is claimed by moving next_at with one conditional UPDATE, so two
      -- processes never read for the same attempt.
      CREATE TABLE reconcile_schedule (
        action_id TEXT PRIMARY KEY,
        sent_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'executed', 'not-executed', 'gave-up')),
        last_verdict TEXT CHECK (last_verdict IS NULL OR last_verdict IN ('executed', 'not-executed', 'unknown')),
        last_evidence TEXT,
        last_attempt_at INTEGER,
        claimed_by TEXT
      ) WITHOUT ROWID;
      CREATE INDEX reconcile_due ON reconcile_schedule (next_at) WHERE next_at IS NOT NULL;
      -- UNKNOWN outcomes and their decisions, found without scanning the log.
      CREATE INDEX action_log_unknown_outcomes ON action_log (action_id) WHERE event = 'outcome' AND outcome_kind = 'unknown';
      CREATE INDEX action_log_reconciled ON action_log (action_id) WHERE event = 'reconciled';
      -- Earlier requests of the same action and account being sent, UNKNOWN, or just executed (the send-anyway rule).
      CREATE INDEX pending_actions_same ON pending_actions (action_key, account, state, outcome_kind, finished_at);
    `,
  },
];
