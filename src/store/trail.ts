// What a running bot trusts of its database, checked before it decides. The
// tables are a cache; the hash-chained log is the record. Someone who can write
// the file but holds neither the key nor the host can still change the tables
// for a moment and put them back (a grant for one repay, a daily total
// lowered, a freeze lifted), delete log rows (a sent action made to look
// unsent), or alter the schema (a trigger that rewrites what is logged). So,
// before every request, click, claim, send and access change, the bot:
//
// - checks the schema against the migrations (schema-check.ts);
// - checks the log rows written since it last looked, each against the one
//   before (log-chain.ts), and that the last row it checked is still there
//   with the same hash: a cut tail or a rewritten row is noticed even when
//   the chain after it was recomputed and sqlite_sequence rewritten;
// - replays the change rows it checked into grants, policies and the freeze
//   (derived-state.ts) and compares the tables with them: a grant, a cap, a
//   policy or a freeze the log does not explain is a finding, never a right;
// - keeps what each action did, by the log (action-ledger.ts), for the daily
//   caps and for the click's own check of its action's rows.
//
// Only the rows written since the last look are read, so a check costs a few
// small queries. A finding is reported once per process (to the listeners:
// stderr, the audit channel) and written as a `tamper` row; the caller
// refuses. A broken chain stays a finding until the bot is restarted on a
// log that verifies.
import type { Secret } from '../secret.ts';
import { ActionLedger, type SeenRow, type SpendQuery } from './action-ledger.ts';
import type { ActionLog } from './action-log.ts';
import type { Database, Queries } from './database.ts';
import { applyChangeRow, compareState, emptyState, readTables, type DerivedState } from './derived-state.ts';
import { CHAIN_START, ChainWalker, chainedSelect, type ChainPosition, type ChainedRow } from './log-chain.ts';
import { restoreEvents, SchemaCheck } from './schema-check.ts';

const PAGE = 2_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export type TrailListener = (finding: string) => void;

export class Trail {
  readonly #schema = new SchemaCheck();
  readonly #access: DerivedState = emptyState();
  readonly #ledger = new ActionLedger();
  readonly #reported = new Set<string>();
  readonly #listeners: TrailListener[] = [];
  #position: ChainPosition = CHAIN_START;
  /** The chain failed here once: nothing after it can be trusted until a restart re-checks the whole log. */
  #broken: string | undefined;
  #prunedAt = 0;
  /** The query for the rows after a seq (the log's columns never change while the bot runs). */
  #select: string | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: ActionLog,
    private readonly key: Secret | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Told every new finding, once (the composition root: stderr and the audit channel). */
  onFinding(listener: TrailListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Checks the schema, the log since the last look and the access tables, in
   * `q` (a transaction that has written nothing yet, or the database itself:
   * then in a snapshot of its own). Returns what must stop the caller; empty
   * when everything is as the log explains.
   */
  async check(q: Queries): Promise<readonly string[]> {
    // Read alone, in a snapshot: nothing is put back there (a read that turns into a write can meet another writer).
    if (q === this.db) return this.db.snapshot((tx) => this.#check(tx, false));
    return this.#check(q, true);
  }

  async #check(q: Queries, restore: boolean): Promise<readonly string[]> {
    // A row this transaction wrote could still be rolled back: taken in, it would read later as deleted.
    if (q.hasWritten?.() === true) throw new Error('the trail must be checked before its transaction writes anything');
    const findings: string[] = [];
    // What a check needs besides the new rows and the tables, in one read.
    const checkpoint = this.#position;
    const status = await q.get<{ checkpoint: string | null; issued: number | null; schema_version: number; events: string | null }>(
      `SELECT (SELECT hash FROM action_log WHERE seq = ?) AS checkpoint, (SELECT seq FROM sqlite_sequence WHERE name = 'action_log') AS issued,
         (SELECT schema_version FROM pragma_schema_version) AS schema_version, (SELECT group_concat(name, char(31)) FROM log_events) AS events`,
      [checkpoint.lastSeq],
    );
    const chain = await this.#advance(q, { ...checkpoint, hashNow: status?.checkpoint ?? undefined }, status?.issued ?? 0);
    if (chain !== undefined) findings.push(chain);
    const known = status === undefined ? undefined : { schemaVersion: status.schema_version, events: (status.events ?? '').split('\u001f') };
    const schema = await this.#schema.check(q, { restore, known });
    for (const event of schema.restored) this.#report(`the event \`${event}\` was deleted from log_events (put back, so that findings can be logged)`);
    findings.push(...schema.altered.map((what) => `the database's schema was altered: ${what}`));
    const access = compareState(this.#access, await readTables(q));
    findings.push(...access.map((what) => `who may do what was changed outside the bot: ${what}`));
    for (const finding of findings) this.#report(finding);
    return findings;
  }

  /** What counts against a daily cap, by the checked log (call check() first, in the same decision). */
  spent(query: SpendQuery): string[] {
    return this.#ledger.spent(query);
  }

  /** Every row this process checked about an action, with its hash then; undefined when none. */
  rowsSeen(actionId: string): readonly SeenRow[] | undefined {
    return this.#ledger.rowsOf(actionId);
  }

  /** Findings reported so far by this process (for /status). */
  get reported(): readonly string[] {
    return [...this.#reported];
  }

  /**
   * Reads and checks the rows written since the last look; a finding when the
   * chain does not hold. `checked`: the last row checked, with the hash it has
   * now; `issued`: the highest number the log ever issued (sqlite_sequence).
   */
  async #advance(q: Queries, checked: ChainPosition & { readonly hashNow: string | undefined }, issued: number): Promise<string | undefined> {
    if (this.#broken !== undefined) return this.#broken;
    if (checked.lastSeq > 0 && checked.hashNow !== checked.lastHash) {
      return this.#break(
        `the action log's row ${checked.lastSeq}, which this bot process had checked, is ${checked.hashNow === undefined ? 'gone: rows were deleted from the log' : 'not what it was: the log was rewritten'}`,
      );
    }
    this.#select ??= `${await chainedSelect(q)} WHERE seq > ? ORDER BY seq LIMIT ?`;
    const select = this.#select;
    for (;;) {
      const from = this.#position.lastSeq;
      const page = await q.all<ChainedRow>(select, [from, PAGE]);
      // Two checks may read the same rows; what the other already took in is skipped (no await in this loop).
      const walker = new ChainWalker(this.key, this.#position);
      for (const row of page) {
        if (row.seq <= this.#position.lastSeq) continue;
        const failure = walker.push(row);
        if (failure !== undefined) return this.#break(`the action log does not verify at row ${failure.seq}: ${failure.reason}`);
        if (walker.uncheckedKeyed > 0) return this.#break(`the action log's row ${row.seq} is keyed, and this bot process has no AUDIT_LOG_KEY to check it`);
        this.#position = walker.position;
        applyChangeRow(this.#access, row);
        this.#ledger.apply(row);
      }
      if (page.length < PAGE) break;
    }
    if (issued > this.#position.lastSeq) {
      const first = this.#position.lastSeq + 1;
      return this.#break(`the action log does not verify at row ${first}: rows ${first} to ${issued}, the last written, are missing (deleted)`);
    }
    const now = this.now();
    if (now - this.#prunedAt > PRUNE_EVERY_MS) {
      this.#ledger.prune(now);
      this.#prunedAt = now;
    }
    return undefined;
  }

  #break(finding: string): string {
    this.#broken = finding;
    return finding;
  }

  /** Tells the listeners and logs a `tamper` row, once per finding; the row is written after the caller's transaction. */
  #report(finding: string): void {
    if (this.#reported.has(finding)) return;
    this.#reported.add(finding);
    for (const listener of this.#listeners) listener(finding);
    this.db
      .transaction(async (tx) => {
        // The finding may be that an event was deleted: put the migrations' events back first, so it can be logged.
        await restoreEvents(tx);
        await this.log.appendIn(tx, { event: 'tamper', detail: `the database was altered outside the bot: ${finding}` });
      })
      .catch((error: unknown) => {
        for (const listener of this.#listeners) listener(`could not log the finding above as a tamper row: ${error instanceof Error ? error.message : String(error)}`);
      });
  }
}
