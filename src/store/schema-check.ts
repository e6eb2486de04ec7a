// The database's schema as the migrations made it, and nothing else. Someone
// who can write the file can also change its schema: plant a trigger that
// rewrites rows as they are written (the audit outbox, the log), drop one of
// the append-only triggers, or delete the `tamper` event so that a finding can
// no longer be logged. This check compares every table, index and trigger in
// sqlite_master with what the migrations create on an empty database (built
// once per schema version, in memory), and the rows of `log_events` with the
// events the bot writes. It reads sqlite_master only when PRAGMA
// schema_version says the schema changed since it last looked, so it is cheap
// enough to run before every claim.
//
// A missing event is put back (the migrations' own rows, so that the finding
// itself can be logged) and reported; everything else is reported for the
// caller to refuse on. A newer SQLite that rewrote the stored text of an
// altered table differently would show here too: the check fails closed.
import { LOG_EVENTS } from './action-log.ts';
import { Database, type Queries } from './database.ts';
import type { CheckResult, LogCheck } from './log-checks.ts';
import { MIGRATIONS, migrate } from './migrations.ts';

/** What the check found: alterations to refuse on, and events it put back. */
export interface SchemaFindings {
  /** Tables, indexes or triggers that differ from the migrations' (each one sentence). */
  readonly altered: readonly string[];
  /** Events missing from log_events (put back, unless the check only reads). */
  readonly restored: readonly string[];
}

interface SchemaObject {
  readonly type: string;
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string | null;
}

/** The objects a schema version has, by name: built once per version on an in-memory database. */
const expectedByVersion = new Map<number, Promise<ReadonlyMap<string, SchemaObject>>>();

function expectedSchema(version: number): Promise<ReadonlyMap<string, SchemaObject>> {
  let expected = expectedByVersion.get(version);
  if (expected === undefined) {
    expected = (async () => {
      const memory = await Database.open(':memory:');
      try {
        await migrate(
          memory,
          MIGRATIONS.filter((migration) => migration.version <= version),
        );
        return byName(await objectsOf(memory));
      } finally {
        await memory.close();
      }
    })();
    expectedByVersion.set(version, expected);
    expected.catch(() => expectedByVersion.delete(version));
  }
  return expected;
}

export interface SchemaCheckOptions {
  /** Put missing events back (false on a read-only connection, or in a snapshot). */
  readonly restore: boolean;
  /** PRAGMA schema_version and the names in log_events, when the caller read them already (in one query with others). */
  readonly known?: { readonly schemaVersion: number; readonly events: readonly string[] } | undefined;
}

export class SchemaCheck {
  /** The schema_version last found as the migrations made it. */
  #checkedVersion: number | undefined;

  /**
   * Compares the schema with the migrations' (when it changed since the last
   * look) and log_events with LOG_EVENTS. Missing events are inserted in `q`;
   * `restore: false` (a read-only connection) only reports them.
   */
  async check(q: Pick<Queries, 'all' | 'get' | 'run'>, options: SchemaCheckOptions = { restore: true }): Promise<SchemaFindings> {
    const altered: string[] = [];
    const schemaVersion = options.known?.schemaVersion ?? (await q.get<{ schema_version: number }>('PRAGMA schema_version'))?.schema_version;
    if (schemaVersion === undefined || schemaVersion !== this.#checkedVersion) {
      altered.push(...(await schemaDifferences(q)));
      if (altered.length === 0) this.#checkedVersion = schemaVersion;
    }
    const present = options.known?.events;
    const restored = present === undefined ? await missingEvents(q) : LOG_EVENTS.filter((event) => !present.includes(event));
    if (restored.length > 0 && options.restore) await restoreEvents(q);
    return { altered, restored };
  }
}

/** Puts back every event the bot writes that log_events lacks (the migrations' own rows). */
export async function restoreEvents(q: Pick<Queries, 'run'>): Promise<void> {
  for (const name of LOG_EVENTS) await q.run('INSERT OR IGNORE INTO log_events (name) VALUES (?)', [name]);
}

/** Every table, index and trigger that is not as the migrations made it, one sentence each. */
export async function schemaDifferences(q: Pick<Queries, 'all' | 'get'>): Promise<string[]> {
  const version = (await q.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations').catch(() => undefined))?.version ?? 0;
  const expected = await expectedSchema(version);
  const actual = byName(await objectsOf(q));
  const findings: string[] = [];
  for (const [name, object] of actual) {
    const wanted = expected.get(name);
    if (wanted === undefined) findings.push(`a ${object.type} \`${name}\` on \`${object.tbl_name}\` that no migration created`);
    else if (wanted.type !== object.type || normalised(wanted.sql) !== normalised(object.sql)) findings.push(`the ${object.type} \`${name}\` is not as the migrations made it`);
  }
  for (const [name, object] of expected) {
    if (!actual.has(name)) findings.push(`the ${object.type} \`${name}\` (on \`${object.tbl_name}\`) is missing`);
  }
  return findings;
}

/** verify-log's check: every table, index and trigger as the migrations made them, and every event listed. */
export const schemaCheck: LogCheck = {
  name: 'schema',
  async run({ db }): Promise<CheckResult> {
    const findings = [...(await schemaDifferences(db)), ...(await missingEvents(db)).map((event) => `the event \`${event}\` was deleted from log_events`)];
    if (findings.length === 0) return { name: 'schema', status: 'ok', summary: 'every table, index and trigger is as the migrations made it', notes: [] };
    return {
      name: 'schema',
      status: 'broken',
      summary: `BROKEN: the database's schema was altered: ${findings.length === 1 ? findings[0] : `${findings.length} differences`}`,
      notes: [...(findings.length === 1 ? [] : findings.slice(0, 20)), 'A trigger or table the bot did not make can rewrite what it logs or posts: find out who altered it before trusting the log.'],
    };
  },
};

/** Events the bot writes that log_events no longer lists (a deleted row). */
async function missingEvents(q: Pick<Queries, 'all'>): Promise<string[]> {
  if ((await q.all("SELECT 1 FROM sqlite_master WHERE name = 'log_events'")).length === 0) return [];
  const present = new Set((await q.all<{ name: string }>('SELECT name FROM log_events')).map((row) => row.name));
  return LOG_EVENTS.filter((event) => !present.has(event));
}

function objectsOf(q: Pick<Queries, 'all'>): Promise<SchemaObject[]> {
  // sqlite_% objects are SQLite's own (sqlite_sequence, automatic indexes); nobody else may create one.
  return q.all<SchemaObject>("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
}

function byName(objects: readonly SchemaObject[]): Map<string, SchemaObject> {
  return new Map(objects.map((object) => [object.name, object]));
}

/** The statement without layout or identifier quotes: re-creating an object as it was is not an alteration. */
function normalised(sql: string | null): string {
  return (sql ?? '').replace(/["`[\]]/g, '').replace(/\s+/g, ' ').replace(/\s*([(),;])\s*/g, '$1').trim();
}
