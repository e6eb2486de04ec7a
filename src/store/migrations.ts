// Numbered schema migrations, applied in order at start-up, each in its own
// transaction with its version recorded, so a crash mid-way leaves the schema
// at a known version. A database newer than this code is refused rather than
// guessed at.
import type { Database } from './database.ts';
import { STEPS_1_TO_9 } from './schema-steps-1-9.ts';
import { STEPS_FROM_10 } from './schema-steps-10-on.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}


/** Every schema step in version order; the steps themselves live beside this file. */
export const MIGRATIONS: readonly Migration[] = [...STEPS_1_TO_9, ...STEPS_FROM_10];

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
