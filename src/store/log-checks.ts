// What `npm run verify-log` checks, as a list: each check reads the database
// (read-only) and says what it checked, and whether and where the log is
// broken: the chain, the anchors kept outside the database, and the grants,
// policies and freeze rebuilt from the log and compared with their tables
// (derived-state.ts). A new check is one more entry in LOG_CHECKS.
import type { Secret } from '../secret.ts';
import { existsSync } from 'node:fs';
import { anchorMac, formatAnchor, type Anchor } from './anchors.ts';
import { Database, type Queries } from './database.ts';
import { derivedStateCheck } from './derived-state.ts';
import { walkChain, type ChainReport, type HashScheme } from './log-chain.ts';
import { withPrivateCopy } from './private-copy.ts';
import { schemaCheck } from './schema-check.ts';

export interface CheckContext {
  readonly db: Pick<Queries, 'all' | 'get'>;
  /** AUDIT_LOG_KEY, when given. */
  readonly key: Secret | undefined;
  /** The anchors given with --anchors; undefined when none were. */
  readonly anchors: readonly Anchor[] | undefined;
}

/**
 * - `ok`: checked, nothing wrong;
 * - `broken`: the log was tampered with, from row `firstBadSeq` (or, without
 *   one, the tables do not match the log);
 * - `incomplete`: part could not be checked (a keyed chain without its key);
 * - `skipped`: nothing to check with (no anchors given).
 */
export type CheckStatus = 'ok' | 'broken' | 'incomplete' | 'skipped';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** One line: what was checked, or what is wrong and where. */
  readonly summary: string;
  /** What the result cannot prove, or what looks odd without being proof. */
  readonly notes: readonly string[];
  /** The first row that cannot be trusted (when broken). */
  readonly firstBadSeq?: number;
}

export interface LogCheck {
  readonly name: string;
  run(context: CheckContext): Promise<CheckResult>;
}

export interface LogVerdict {
  readonly status: 'intact' | 'broken' | 'incomplete';
  readonly results: readonly CheckResult[];
  /** The first row that cannot be trusted, over every check. */
  readonly firstBadSeq: number | undefined;
}

const SCHEME_LABELS: Readonly<Record<HashScheme, string>> = {
  'sha256-v1': 'plain SHA-256 (written before rows named their scheme)',
  sha256: 'plain SHA-256',
  'hmac-sha256': 'HMAC-SHA256',
};

/** Every row linked to the one before, each hash recomputed (keyed rows with the key). */
export const chainCheck: LogCheck = {
  name: 'chain',
  async run({ db, key }) {
    const report = await walkChain(db, key);
    const notes: string[] = [];
    if (report.schemes['hmac-sha256'] === 0 && key === undefined) {
      notes.push('The chain is not keyed: anyone who can write the file can recompute it after an edit. Only anchors kept outside the database prove it was not.');
    }
    if (report.failure !== undefined) {
      return { name: 'chain', status: 'broken', summary: `BROKEN at row ${report.failure.seq}: ${report.failure.reason}; ${report.rows} rows before it verified`, notes, firstBadSeq: report.failure.seq };
    }
    if (key !== undefined && report.rows > 0 && report.schemes['hmac-sha256'] === 0) {
      // Given the key, a log with no keyed row is what a keyed log recomputed whole without it looks like.
      return {
        name: 'chain',
        status: 'broken',
        summary: `BROKEN at row 1: AUDIT_LOG_KEY was given but none of the ${report.rows} rows is keyed: the chain was recomputed without the key (every row relabelled plain)`,
        notes: ['If the bot never wrote with this key (it ran without AUDIT_LOG_KEY), check the log without the key instead; anchors from the audit channel tell the two apart.'],
        firstBadSeq: 1,
      };
    }
    const summary = `${report.rows} rows${report.rows === 0 ? '' : ` (1 to ${report.lastSeq})`}${schemeSummary(report, key)}; head ${report.rows === 0 ? 'none' : formatAnchor({ seq: report.lastSeq, hash: report.lastHash })}`;
    if (report.uncheckedKeyed > 0) {
      return {
        name: 'chain',
        status: 'incomplete',
        summary,
        notes: [...notes, `${report.uncheckedKeyed} keyed rows (from row ${report.firstKeyedSeq}) cannot be checked without AUDIT_LOG_KEY: set it in the environment or in .env.`],
      };
    }
    return { name: 'chain', status: 'ok', summary, notes };
  },
};

function schemeSummary(report: ChainReport, key: Secret | undefined): string {
  const parts = (Object.keys(SCHEME_LABELS) as HashScheme[])
    .filter((scheme) => report.schemes[scheme] > 0)
    .map((scheme) => {
      const checked = scheme !== 'hmac-sha256' ? '' : key === undefined ? ', NOT checked: no AUDIT_LOG_KEY' : ', checked with AUDIT_LOG_KEY';
      return `${report.schemes[scheme]} ${SCHEME_LABELS[scheme]}${checked}`;
    });
  return parts.length === 0 ? '' : `: ${parts.join('; ')}`;
}

/** Each anchor's row still there with the anchored hash: catches a cut tail and a recomputed chain. */
export const anchorsCheck: LogCheck = {
  name: 'anchors',
  async run({ db, anchors: given, key }) {
    // With the key, an anchor read from a post counts only with the bot's MAC: a typed look-alike cannot carry one.
    const forged = key === undefined ? [] : (given ?? []).filter((anchor) => anchor.from === 'post' && anchor.mac !== anchorMac(anchor, key));
    const anchors = given?.filter((anchor) => !forged.includes(anchor));
    const forgedNote = forged.length === 0 ? [] : [`${forged.length} anchor posts (rows ${forged.slice(0, 5).map((anchor) => anchor.seq).join(', ')}${forged.length > 5 ? ', …' : ''}) carry no MAC that verifies under AUDIT_LOG_KEY: not the bot's (typed, or posted before anchors carried one), so not used.`];
    if (anchors === undefined || anchors.length === 0) {
      return {
        name: 'anchors',
        status: 'skipped',
        summary: 'none given (--anchors FILE)',
        notes: ['Without anchors, rows deleted from the end or a chain recomputed after an edit cannot be detected.', ...forgedNote],
      };
    }
    const sorted = [...anchors].sort((a, b) => a.seq - b.seq);
    const last = (await db.get<{ seq: number }>('SELECT MAX(seq) AS seq FROM action_log'))?.seq ?? 0;
    let lastMatched = 0;
    for (const anchor of sorted) {
      const row = await db.get<{ hash: string }>('SELECT hash FROM action_log WHERE seq = ?', [anchor.seq]);
      const failure = (summary: string, firstBadSeq: number): CheckResult => ({
        name: 'anchors',
        status: 'broken',
        summary: `BROKEN: ${summary}`,
        notes: [...(lastMatched === 0 ? [] : [`Anchors up to row ${lastMatched} matched.`]), ...forgedNote],
        firstBadSeq,
      });
      if (row === undefined && anchor.seq > last) {
        return failure(`row ${anchor.seq} was anchored but the log ends at row ${last}: rows ${last + 1} to ${anchor.seq} at least were deleted`, last + 1);
      }
      if (row === undefined) return failure(`row ${anchor.seq} was anchored but is missing (deleted)`, anchor.seq);
      if (row.hash !== anchor.hash) {
        return failure(
          `row ${anchor.seq} does not have the anchored hash: a row from ${lastMatched + 1} to ${anchor.seq} was rewritten and the chain recomputed after it`,
          lastMatched + 1,
        );
      }
      lastMatched = anchor.seq;
    }
    const after = last - lastMatched;
    return {
      name: 'anchors',
      status: 'ok',
      summary: `${sorted.length} given, ${sorted.length} matched; the latest anchors row ${lastMatched}`,
      notes: [...(after > 0 ? [`The ${after} rows after row ${lastMatched} are not anchored yet: only the chain vouches for them.`] : []), ...forgedNote],
    };
  },
};

export const LOG_CHECKS: readonly LogCheck[] = [chainCheck, anchorsCheck, derivedStateCheck, schemaCheck];

/** Runs every check; the log is intact only when none found it broken or could not finish. */
export async function runLogChecks(context: CheckContext, checks: readonly LogCheck[] = LOG_CHECKS): Promise<LogVerdict> {
  const results: CheckResult[] = [];
  for (const check of checks) results.push(await check.run(context));
  const bad = results.flatMap((result) => (result.status === 'broken' && result.firstBadSeq !== undefined ? [result.firstBadSeq] : []));
  const status = results.some((result) => result.status === 'broken') ? 'broken' : results.some((result) => result.status === 'incomplete') ? 'incomplete' : 'intact';
  return { status, results, firstBadSeq: bad.length === 0 ? undefined : Math.min(...bad) };
}

/** What checking a database file found: its verdict, or that it holds no action log. */
export type LogFileCheck = { readonly kind: 'checked'; readonly verdict: LogVerdict } | { readonly kind: 'no-log' };

/**
 * Runs every check on the action log of the file at `path`, changing nothing
 * beside it: what `npm run verify-log` reports and what `npm run backup`
 * requires of its copy. With a -wal file beside it (a bot running, or one that
 * was killed) a private copy is read (private-copy.ts); without one, the file
 * itself, opened immutable. Throws when the file cannot be opened or read.
 */
export async function checkLogFile(path: string, context: Omit<CheckContext, 'db'>): Promise<LogFileCheck> {
  if (existsSync(`${path}-wal`)) return withPrivateCopy(path, (copy) => checkOpened(copy, context));
  return checkOpened(path, context);
}

async function checkOpened(path: string, context: Omit<CheckContext, 'db'>): Promise<LogFileCheck> {
  const db = await Database.openReadOnly(path);
  try {
    if ((await db.get("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'action_log'")) === undefined) return { kind: 'no-log' };
    return { kind: 'checked', verdict: await runLogChecks({ ...context, db }) };
  } finally {
    await db.close();
  }
}
