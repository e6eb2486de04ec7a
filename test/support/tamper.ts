// What someone with write access to the database file can do to the action
// log: drop the append-only triggers, edit or delete rows, recompute every
// hash after an edit (with or without the key), rewrite sqlite_sequence, and
// put the triggers back. Tests use it to make the attacks verify-log must catch.
import type { Database } from '../../src/store/database.ts';
import type { Secret } from '../../src/secret.ts';
import { GENESIS_HASH, rowHash, type ChainedRow, type HashScheme } from '../../src/store/log-chain.ts';

const TRIGGERS = `
  CREATE TRIGGER action_log_no_update BEFORE UPDATE ON action_log
    BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END;
  CREATE TRIGGER action_log_no_delete BEFORE DELETE ON action_log
    BEGIN SELECT RAISE(ABORT, 'action_log is append-only'); END;`;

/** Runs `work` with the append-only triggers dropped, then re-creates them as the migration did. */
export async function withoutTriggers(db: Database, work: () => Promise<void>): Promise<void> {
  await db.exec('DROP TRIGGER action_log_no_update; DROP TRIGGER action_log_no_delete;');
  try {
    await work();
  } finally {
    await db.exec(TRIGGERS);
  }
}

export function rowsOf(db: Database): Promise<ChainedRow[]> {
  return db.all<ChainedRow>('SELECT * FROM action_log ORDER BY seq');
}

/**
 * Edits row `seq` and recomputes its hash and every later one under `scheme`
 * (with `key` if keyed), so the chain verifies against itself again.
 */
export async function forgeChainFrom(db: Database, seq: number, changes: Readonly<Record<string, string | number | null>>, scheme: HashScheme, key?: Secret): Promise<void> {
  for (const [column, value] of Object.entries(changes)) await db.run(`UPDATE action_log SET ${column} = ? WHERE seq = ?`, [value, seq]);
  const previous = await db.get<{ hash: string }>('SELECT hash FROM action_log WHERE seq < ? ORDER BY seq DESC LIMIT 1', [seq]);
  let prevHash = previous?.hash ?? GENESIS_HASH;
  for (const row of (await rowsOf(db)).filter((candidate) => candidate.seq >= seq)) {
    const hash = rowHash({ ...row, prev_hash: prevHash }, scheme, key);
    if (hash === undefined) throw new Error('a keyed scheme needs a key');
    await db.run('UPDATE action_log SET prev_hash = ?, hash_scheme = ?, hash = ? WHERE seq = ?', [prevHash, scheme, hash, row.seq]);
    prevHash = hash;
  }
}

/** Deletes every row from `seq` on, and (optionally) rewrites sqlite_sequence so no gap shows. */
export async function cutTail(db: Database, seq: number, options: { rewriteSequence: boolean }): Promise<void> {
  await db.run('DELETE FROM action_log WHERE seq >= ?', [seq]);
  if (options.rewriteSequence) await db.run("UPDATE sqlite_sequence SET seq = ? WHERE name = 'action_log'", [seq - 1]);
}

/** Rows as the bot wrote them before they named their hash scheme (a schema without the column). */
export async function writeLegacyRows(db: Database, count: number): Promise<void> {
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const row = {
      seq,
      at_ms: 1_700_000_000_000 + seq,
      event: 'requested',
      action_id: null,
      action_key: 'pm.repay-debt',
      user_id: 'u1',
      user_tag: 'alice',
      guild_id: null,
      channel_id: null,
      params_json: '{"asset":"BTC"}',
      request_json: null,
      outcome_kind: null,
      http_status: null,
      binance_code: null,
      response_json: null,
      latency_ms: null,
      detail: `legacy row ${seq}`,
      dry_run: 0 as const,
      prev_hash: prevHash,
    };
    const hash = rowHash(row, 'sha256-v1', undefined) ?? '';
    const columns = Object.keys(row);
    await db.run(`INSERT INTO action_log (${columns.join(', ')}, hash) VALUES (${columns.map(() => '?').join(', ')}, ?)`, [...Object.values(row), hash]);
    prevHash = hash;
  }
}
