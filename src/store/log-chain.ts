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

/**
 * Walks the whole chain in pages; stops at the first row that does not fit
 * and names it. Reads only, so it runs on a read-only connection too, and on
 * a log older than the scheme column (every row is then `sha256-v1`).
 */
export async function walkChain(db: Pick<Queries, 'all' | 'get'>, key: Secret | undefined, pageSize = 2_000): Promise<ChainReport> {
  const hasScheme = (await db.all<{ name: string }>('PRAGMA table_info(action_log)')).some((column) => column.name === 'hash_scheme');
  const select = `SELECT ${CHAINED_COLUMNS}, ${hasScheme ? 'hash_scheme' : "'sha256-v1' AS hash_scheme"} FROM action_log WHERE seq >= ? ORDER BY seq LIMIT ?`;
  const schemes: Record<HashScheme, number> = { 'sha256-v1': 0, sha256: 0, 'hmac-sha256': 0 };
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let highest: HashScheme = 'sha256-v1';
  let firstKeyedSeq: number | undefined;
  let uncheckedKeyed = 0;
  let rows = 0;
  const report = (failure?: { seq: number; reason: string }): ChainReport => ({
    rows,
    lastSeq: expectedSeq - 1,
    lastHash: previousHash,
    schemes,
    firstKeyedSeq,
    uncheckedKeyed,
    failure,
  });

  for (;;) {
    const page = await db.all<ChainedRow>(select, [expectedSeq, pageSize]);
    for (const row of page) {
      if (row.seq !== expectedSeq) {
        const missing = row.seq - 1 === expectedSeq ? `row ${expectedSeq} is missing` : `rows ${expectedSeq} to ${row.seq - 1} are missing`;
        return report({ seq: expectedSeq, reason: `${missing} (deleted)` });
      }
      if (row.prev_hash !== previousHash) {
        return report({ seq: row.seq, reason: `its prev_hash does not match row ${row.seq - 1} (rows were removed or re-ordered)` });
      }
      if (!isScheme(row.hash_scheme)) return report({ seq: row.seq, reason: `its hash scheme "${String(row.hash_scheme).slice(0, 20)}" is not one the bot writes` });
      const scheme = row.hash_scheme;
      if (RANK[scheme] < RANK[highest]) {
        return report({
          seq: row.seq,
          reason:
            `it is hashed with ${scheme} after rows hashed with ${highest}` +
            (firstKeyedSeq === undefined ? '' : ` (keyed from row ${firstKeyedSeq})`) +
            ': the chain was recomputed without the key, or the bot ran without AUDIT_LOG_KEY',
        });
      }
      const expected = rowHash(row, scheme, key);
      if (expected === undefined) uncheckedKeyed++;
      else if (expected !== row.hash) {
        return report({
          seq: row.seq,
          reason:
            scheme === 'hmac-sha256'
              ? 'its HMAC does not match under AUDIT_LOG_KEY (the row was edited, the chain recomputed without the key, or the key is not the one the bot used)'
              : 'its contents do not match its hash (the row was edited)',
        });
      }
      if (scheme === 'hmac-sha256') firstKeyedSeq ??= row.seq;
      highest = scheme;
      schemes[scheme]++;
      previousHash = row.hash;
      expectedSeq = row.seq + 1;
      rows++;
    }
    if (page.length < pageSize) break;
  }
  // Rows deleted from the end leave no gap; the highest number ever issued still shows them.
  const issued = (await db.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'action_log'"))?.seq ?? 0;
  if (issued >= expectedSeq) {
    return report({
      seq: expectedSeq,
      reason:
        issued === expectedSeq
          ? `row ${expectedSeq}, the last written, is missing (deleted)`
          : `rows ${expectedSeq} to ${issued}, the last written, are missing (deleted)`,
    });
  }
  return report();
}

function isScheme(value: unknown): value is HashScheme {
  return typeof value === 'string' && (HASH_SCHEMES as readonly string[]).includes(value);
}
