// A small promise wrapper over the `sqlite3` package: one connection, cached
// prepared statements, and transactions that hold the connection for their
// whole length. sqlite3 runs statements from many async callers interleaved on
// one connection, so without the lock a statement from elsewhere could land
// inside someone else's transaction.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  readonly changes: number;
  readonly lastId: number;
}

/** The statements available inside and outside a transaction. */
export interface Queries {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined>;
  all<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
  /** Runs a script of several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
  /** Inside a transaction: whether it has run a statement that writes (run or exec) yet. */
  readonly hasWritten?: () => boolean;
}

export class Database implements Queries {
  readonly path: string;
  readonly #db: sqlite3.Database;
  /** Prepared statements by SQL text; one that failed to prepare is dropped, so it is tried again next time. */
  readonly #statements = new Map<string, Promise<sqlite3.Statement>>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(path: string, db: sqlite3.Database) {
    this.path = path;
    this.#db = db;
  }

  /** Opens (creating the file and its folder) with WAL, a busy timeout and foreign keys on. */
  static async open(path: string, options: { busyTimeoutMs?: number } = {}): Promise<Database> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened = new sqlite3.Database(path, (error) => (error === null ? resolve(opened) : reject(error)));
    });
    const database = new Database(path, db);
    db.configure('busyTimeout', options.busyTimeoutMs ?? 5_000);
    await database.#exec('PRAGMA journal_mode = WAL');
    // FULL: a "sent" row in the action log must survive a power cut, not just a crash.
    await database.#exec('PRAGMA synchronous = FULL');
    await database.#exec('PRAGMA foreign_keys = ON');
    return database;
  }

  /**
   * Opens an existing file for reading only (verify-log, health, backups),
   * changing nothing: no journal mode set, no migration, no file created, no
   * checkpoint; SQLite refuses any write to it. While a bot runs (its -wal file
   * is there) the reader joins the WAL through the shared memory the bot keeps
   * and sees a consistent snapshot. When none runs (the last connection to close
   * deletes the -wal), a plain read-only open would create -wal and -shm files
   * owned by whoever runs this (root, say), which the bot's own user could then
   * not open; so the file is opened immutable, and SQLite creates nothing beside
   * it. (A bot that starts during such a read writes to its new WAL, which this
   * reader does not see; the main file changes only at a checkpoint.)
   * No `PRAGMA query_only`: it would also refuse `VACUUM INTO`, which writes
   * only the backup's new file.
   */
  static async openReadOnly(path: string, options: { busyTimeoutMs?: number } = {}): Promise<Database> {
    const live = existsSync(`${path}-wal`);
    const uri = `${pathToFileURL(resolvePath(path)).href}?mode=ro${live ? '' : '&immutable=1'}`;
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened = new sqlite3.Database(uri, sqlite3.OPEN_READONLY | sqlite3.OPEN_URI, (error) => (error === null ? resolve(opened) : reject(error)));
    });
    db.configure('busyTimeout', options.busyTimeoutMs ?? 5_000);
    return new Database(path, db);
  }

  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return this.#exclusive(() => this.#run(sql, params));
  }

  get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
    return this.#exclusive(() => this.#get<Row>(sql, params));
  }

  all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
    return this.#exclusive(() => this.#all<Row>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#exclusive(() => this.#exec(sql));
  }

  /**
   * Runs `work` in one IMMEDIATE transaction (the write lock is taken at BEGIN,
   * so two bot processes never both read-then-write). Commits when it returns,
   * rolls back when it throws.
   */
  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    return this.#within('BEGIN IMMEDIATE', work);
  }

  /**
   * As transaction(), but its commit is not synced to disk (synchronous =
   * NORMAL for its length): for bookkeeping a power cut may lose without harm
   * (the IP weight counters), so that it does not add an fsync to the path of
   * every request. Every other commit stays FULL.
   */
  async transactionUnsynced<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      await this.#exec('PRAGMA synchronous = NORMAL');
      try {
        return await this.#inTransaction('BEGIN IMMEDIATE', work);
      } finally {
        await this.#exec('PRAGMA synchronous = FULL');
      }
    });
  }

  /**
   * Runs `work` in one deferred transaction: every read sees the same
   * committed state (a write, if any, takes the lock then). For checks that
   * read several tables and must not see another writer's commit half-way.
   */
  snapshot<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    return this.#within('BEGIN', work);
  }

  #within<T>(begin: string, work: (tx: Queries) => Promise<T>): Promise<T> {
    return this.#exclusive(() => this.#inTransaction(begin, work));
  }

  /** BEGIN … COMMIT (ROLLBACK when `work` throws), inside a section that holds the connection. */
  async #inTransaction<T>(begin: string, work: (tx: Queries) => Promise<T>): Promise<T> {
    await this.#exec(begin);
    let wrote = false;
    const tx: Queries = {
      run: (sql, params = []) => {
        wrote = true;
        return this.#run(sql, params);
      },
      get: <Row>(sql: string, params: SqlParams = []) => this.#get<Row>(sql, params),
      all: <Row>(sql: string, params: SqlParams = []) => this.#all<Row>(sql, params),
      exec: (sql) => {
        wrote = true;
        return this.#exec(sql);
      },
      hasWritten: () => wrote,
    };
    try {
      const result = await work(tx);
      await this.#exec('COMMIT');
      return result;
    } catch (error) {
      await this.#exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    for (const prepared of this.#statements.values()) {
      const statement = await prepared.catch(() => undefined);
      if (statement !== undefined) await new Promise<void>((resolve) => statement.finalize(() => resolve()));
    }
    this.#statements.clear();
    await new Promise<void>((resolve, reject) => this.#db.close((error) => (error === null ? resolve() : reject(error))));
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the database is closed'));
    const result = this.#queue.then(work, work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /**
   * The prepared statement for `sql`. Prepared with a callback: without one,
   * sqlite3 reports a statement it cannot prepare (a typo, a missing table or
   * column) as an 'error' event nobody listens to, an uncaught exception, and
   * the call waiting on it never settles, holding the queue (and any open
   * transaction) for good. With it, the call rejects with the SQL named.
   */
  #statement(sql: string): Promise<sqlite3.Statement> {
    let prepared = this.#statements.get(sql);
    if (prepared === undefined) {
      prepared = new Promise<sqlite3.Statement>((resolve, reject) => {
        const statement = this.#db.prepare(sql, (error: Error | null) => (error === null ? resolve(statement) : reject(withSql(error, sql))));
      });
      this.#statements.set(sql, prepared);
      prepared.catch(() => this.#statements.delete(sql));
    }
    return prepared;
  }

  async #run(sql: string, params: SqlParams): Promise<RunResult> {
    const statement = await this.#statement(sql);
    return new Promise((resolve, reject) => {
      statement.run([...params], function (this: sqlite3.RunResult, error: Error | null) {
        if (error !== null) reject(withSql(error, sql));
        else resolve({ changes: this.changes, lastId: this.lastID });
      });
    });
  }

  async #get<Row>(sql: string, params: SqlParams): Promise<Row | undefined> {
    const statement = await this.#statement(sql);
    return new Promise((resolve, reject) => {
      statement.get([...params], (error: Error | null, row: Row | undefined) => {
        // A stepped statement keeps its read transaction open until reset.
        statement.reset(() => (error !== null ? reject(withSql(error, sql)) : resolve(row)));
      });
    });
  }

  async #all<Row>(sql: string, params: SqlParams): Promise<Row[]> {
    const statement = await this.#statement(sql);
    return new Promise((resolve, reject) => {
      statement.all([...params], (error: Error | null, rows: Row[]) => (error !== null ? reject(withSql(error, sql)) : resolve(rows)));
    });
  }

  #exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.#db.exec(sql, (error) => (error === null ? resolve() : reject(withSql(error, sql)))));
  }
}

// Keeps sqlite3's error (and its code, e.g. SQLITE_CONSTRAINT) as the cause and
// says which statement failed. Statements hold no values, so no secret leaks.
function withSql(error: Error, sql: string): Error {
  const wrapped = new Error(`${error.message} (in: ${sql.replace(/\s+/g, ' ').trim().slice(0, 120)})`, { cause: error });
  (wrapped as Error & { code?: unknown }).code = (error as Error & { code?: unknown }).code;
  return wrapped;
}
