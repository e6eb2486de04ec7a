// The action log's hash chain: how each row's hash is made, and the walk that
// checks every row against the one before it. With AUDIT_LOG_KEY each hash is
// an HMAC under the key, so someone who edits the database without the key
// cannot recompute a chain that verifies; without it, plain SHA-256, which
// proves only that the rows fit together (anchors kept outside the database
// prove more). Each row names its scheme, and its hash covers that name.
import { createHash, createHmac } from 'node:crypto';
import type { Secret } from '../secret.ts';
import type { Queries } from './database.ts';

/**
 * - `sha256-v1`: rows written before the scheme was recorded (its hash does not cover the scheme);
 * - `sha256`: plain SHA-256 over the row, scheme included;
 * - `hmac-sha256`: HMAC-SHA256 under AUDIT_LOG_KEY over the same.
 */
export const HASH_SCHEMES = ['sha256-v1', 'sha256', 'hmac-sha256'] as const;
export type HashScheme = (typeof HASH_SCHEMES)[number];

/**
 * The order schemes may follow each other in a chain: the bot only ever moves
 * up (an old log, then the scheme recorded, then a key). A row whose scheme
 * is lower than one before it was written without the key after keyed rows.
 */
const RANK: Readonly<Record<HashScheme, number>> = { 'sha256-v1': 0, sha256: 1, 'hmac-sha256': 2 };

export const GENESIS_HASH = '0'.repeat(64);

/** Every column a row's hash covers, in the fixed order of the canonical form. */
export interface ChainedFields {
  readonly seq: number;
  readonly at_ms: number;
  readonly event: string;
  readonly action_id: string | null;
  readonly action_key: string | null;
  readonly user_id: string | null;
  readonly user_tag: string | null;
  readonly guild_id: string | null;
  readonly channel_id: string | null;
  readonly params_json: string | null;
  readonly request_json: string | null;
  readonly outcome_kind: string | null;
  readonly http_status: number | null;
  readonly binance_code: number | null;
  readonly response_json: string | null;
  readonly latency_ms: number | null;
  readonly detail: string | null;
  readonly dry_run: 0 | 1;
  readonly prev_hash: string;
}

export interface ChainedRow extends ChainedFields {
  readonly hash_scheme: string;
  readonly hash: string;
}

/** The scheme and hash of a new row: keyed when a key is given. */
export function sealRow(fields: ChainedFields, key: Secret | undefined): { hash_scheme: HashScheme; hash: string } {
  const scheme: HashScheme = key === undefined ? 'sha256' : 'hmac-sha256';
  return { hash_scheme: scheme, hash: rowHash(fields, scheme, key) as string };
}

/** A row's hash under a scheme, or undefined when the scheme is keyed and no key was given. */
export function rowHash(fields: ChainedFields, scheme: HashScheme, key: Secret | undefined): string | undefined {
  const values = [
    fields.seq,
    fields.at_ms,
    fields.event,
    fields.action_id,
    fields.action_key,
    fields.user_id,
    fields.user_tag,
    fields.guild_id,
    fields.channel_id,
    fields.params_json,
    fields.request_json,
    fields.outcome_kind,
    fields.http_status,
    fields.binance_code,
    fields.response_json,
    fields.latency_ms,
    fields.detail,
    fields.dry_run,
    fields.prev_hash,
  ];
  switch (scheme) {
    case 'sha256-v1':
      return createHash('sha256').update(JSON.stringify(values)).digest('hex');
    case 'sha256':
      return createHash('sha256').update(JSON.stringify([scheme, ...values])).digest('hex');
    case 'hmac-sha256':
      return key === undefined ? undefined : createHmac('sha256', key.reveal()).update(JSON.stringify([scheme, ...values])).digest('hex');
    default: {
      const unreachable: never = scheme;
      throw new Error(`unknown hash scheme ${String(unreachable)}`);
    }
  }
}

/** What a walk of the whole chain found. */
export interface ChainReport {
  readonly rows: number;
  /** The last row that verified, and its hash (the chain head when intact). */
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly schemes: Readonly<Record<HashScheme, number>>;
  readonly firstKeyedSeq: number | undefined;
  /** Keyed rows whose hash could not be checked because no key was given. */
  readonly uncheckedKeyed: number;
  readonly failure: { readonly seq: number; readonly reason: string } | undefined;
}

const CHAINED_COLUMNS =
  'seq, at_ms, event, action_id, action_key, user_id, user_tag, guild_id, channel_id, params_json, request_json, ' +
  'outcome_kind, http_status, binance_code, response_json, latency_ms, detail, dry_run, prev_hash, hash';

/** Where a walk stands: the last row that verified, and the highest scheme seen so far. */
export interface ChainPosition {
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly highest: HashScheme;
  readonly firstKeyedSeq: number | undefined;
}

export const CHAIN_START: ChainPosition = { lastSeq: 0, lastHash: GENESIS_HASH, highest: 'sha256-v1', firstKeyedSeq: undefined };

/**
 * Checks rows one at a time, in seq order, each against the one before: the
 * number follows on, prev_hash links, the scheme never moves down, the hash
 * is recomputed (keyed rows with the key). Used by the whole walk below and by
 * the bot's own check of the rows written since it last looked (trail.ts).
 */
export class ChainWalker {
  #position: ChainPosition;
  readonly schemes: Record<HashScheme, number> = { 'sha256-v1': 0, sha256: 0, 'hmac-sha256': 0 };
  /** Keyed rows whose hash could not be checked because no key was given. */
  uncheckedKeyed = 0;
  rows = 0;

  constructor(
    private readonly key: Secret | undefined,
    from: ChainPosition = CHAIN_START,
  ) {
    this.#position = from;
  }

  get position(): ChainPosition {
    return this.#position;
  }

  /** Checks the next row; undefined when it fits, else where and why it does not. */
  push(row: ChainedRow): { readonly seq: number; readonly reason: string } | undefined {
    const { lastSeq, lastHash, highest, firstKeyedSeq } = this.#position;
    const expectedSeq = lastSeq + 1;
    if (row.seq !== expectedSeq) {
      const missing = row.seq - 1 === expectedSeq ? `row ${expectedSeq} is missing` : `rows ${expectedSeq} to ${row.seq - 1} are missing`;
      return { seq: expectedSeq, reason: `${missing} (deleted)` };
    }
    if (row.prev_hash !== lastHash) {
      return { seq: row.seq, reason: `its prev_hash does not match row ${row.seq - 1} (rows were removed or re-ordered)` };
    }
    if (!isScheme(row.hash_scheme)) return { seq: row.seq, reason: `its hash scheme "${String(row.hash_scheme).slice(0, 20)}" is not one the bot writes` };
    const scheme = row.hash_scheme;
    if (RANK[scheme] < RANK[highest]) {
      return {
        seq: row.seq,
        reason:
          `it is hashed with ${scheme} after rows hashed with ${highest}` +
          (firstKeyedSeq === undefined ? '' : ` (keyed from row ${firstKeyedSeq})`) +
          ': the chain was recomputed without the key, or the bot ran without AUDIT_LOG_KEY',
      };
    }
    const expected = rowHash(row, scheme, this.key);
    if (expected === undefined) this.uncheckedKeyed++;
    else if (expected !== row.hash) {
      return {
        seq: row.seq,
        reason:
          scheme === 'hmac-sha256'
            ? 'its HMAC does not match under AUDIT_LOG_KEY (the row was edited, the chain recomputed without the key, or the key is not the one the bot used)'
            : 'its contents do not match its hash (the row was edited)',
      };
    }
    this.schemes[scheme]++;
    this.rows++;
    this.#position = { lastSeq: row.seq, lastHash: row.hash, highest: scheme, firstKeyedSeq: scheme === 'hmac-sha256' ? (firstKeyedSeq ?? row.seq) : firstKeyedSeq };
    return undefined;
  }
}

/** The rows deleted from the end of the chain (no gap left: the highest number ever issued shows them), if any. */
export async function deletedTail(db: Pick<Queries, 'get'>, lastSeq: number): Promise<{ readonly seq: number; readonly reason: string } | undefined> {
  const issued = (await db.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'action_log'"))?.seq ?? 0;
  if (issued <= lastSeq) return undefined;
  const first = lastSeq + 1;
  return {
    seq: first,
    reason: issued === first ? `row ${first}, the last written, is missing (deleted)` : `rows ${first} to ${issued}, the last written, are missing (deleted)`,
  };
}

/** The columns a chain check reads, the scheme included (named 'sha256-v1' on a log older than the column). */
export async function chainedSelect(db: Pick<Queries, 'all'>): Promise<string> {
  const hasScheme = (await db.all<{ name: string }>('PRAGMA table_info(action_log)')).some((column) => column.name === 'hash_scheme');
  return `SELECT ${CHAINED_COLUMNS}, ${hasScheme ? 'hash_scheme' : "'sha256-v1' AS hash_scheme"} FROM action_log`;
}

/**
 * Walks the whole chain in pages; stops at the first row that does not fit
 * and names it. Reads only, so it runs on a read-only connection too, and on
 * a log older than the scheme column (every row is then `sha256-v1`).
 */
export async function walkChain(db: Pick<Queries, 'all' | 'get'>, key: Secret | undefined, pageSize = 2_000): Promise<ChainReport> {
  const select = `${await chainedSelect(db)} WHERE seq > ? ORDER BY seq LIMIT ?`;
  const walker = new ChainWalker(key);
  const report = (failure?: { seq: number; reason: string }): ChainReport => ({
    rows: walker.rows,
    lastSeq: walker.position.lastSeq,
    lastHash: walker.position.lastHash,
    schemes: walker.schemes,
    firstKeyedSeq: walker.position.firstKeyedSeq,
    uncheckedKeyed: walker.uncheckedKeyed,
    failure,
  });
  for (;;) {
    const page = await db.all<ChainedRow>(select, [walker.position.lastSeq, pageSize]);
    for (const row of page) {
      const failure = walker.push(row);
      if (failure !== undefined) return report(failure);
    }
    if (page.length < pageSize) break;
  }
  return report(await deletedTail(db, walker.position.lastSeq));
}

function isScheme(value: unknown): value is HashScheme {
  return typeof value === 'string' && (HASH_SCHEMES as readonly string[]).includes(value);
}
