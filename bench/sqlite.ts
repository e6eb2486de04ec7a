// SQLite: action-log appends per second with the hash chain (each append its
// own IMMEDIATE transaction, synchronous = FULL, as the bot writes them), then
// the /audit query over 100,000 rows with the filters /audit offers, and a
// full verify() of the chain. Runs on a real file in a temp dir, removed after.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore, type LogEntry, type LogEvent, type Store } from '../src/store/index.ts';
import { figure, formatSection, summarise, type Figure, type Section } from './report.ts';

const SEQUENTIAL_APPENDS = 5_000;
/** The sequential phase stops early past this, on a slow disk. */
const SEQUENTIAL_BUDGET_MS = 15_000;
const TOTAL_ROWS = 100_000;
const ROWS_PER_TRANSACTION = 1_000;
const QUERY_RUNS = 50;
/** /audit's largest page (its default is 20). */
const AUDIT_LIMIT = 25;

const ACTION_KEYS = ['pm.repay-debt', 'pm.repay-negative-balance', 'pm-pro.auto-repay-futures', 'pm-pro.bankruptcy-repay', 'futures.margin-type'] as const;
/** One rare key, about 1 row in 2,000: a filter whose 25 rows are spread over the whole table. */
const RARE_ACTION = 'access.admin';
const USERS = Array.from({ length: 12 }, (_, i) => `1000000000000000${String(i + 10)}`);
/** About 1 row in 2,000. */
const RARE_USER = '100000000000009999';
/** Holds no row at all: the filter must look at every candidate to say so. */
const ABSENT_USER = '100000000000000000';
/** Binance accounts: actions alternate between two, and one in 2,000 runs on a third. */
const ACCOUNTS = ['main', 'futures'] as const;
const RARE_ACCOUNT = 'sub_desk';
const EVENTS: readonly LogEvent[] = ['requested', 'confirmed', 'sent', 'outcome'];

/** The i-th row of a plausible log: requested → confirmed → sent → outcome per action, users and keys spread out. */
function entry(i: number): LogEntry {
  const action = Math.floor(i / EVENTS.length);
  const event = EVENTS[i % EVENTS.length] ?? 'requested';
  const rare = action % 500 === 499;
  const actionKey = rare ? RARE_ACTION : (ACTION_KEYS[action % ACTION_KEYS.length] ?? 'futures.margin-type');
  const userId = action % 500 === 250 ? RARE_USER : (USERS[action % USERS.length] ?? '0');
  const base: LogEntry = {
    event,
    actionId: `a${action.toString(36).padStart(8, '0')}`,
    actionKey,
    userId,
    userTag: `trader-${userId.slice(-2)}`,
    guildId: '200000000000000001',
    channelId: '300000000000000001',
  };
  switch (event) {
    case 'requested':
      return {
        ...base,
        params: { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' },
        request: {
          family: 'fapi',
          method: 'POST',
          path: '/fapi/v1/marginType',
          params: 'symbol=BTCUSDT&marginType=ISOLATED',
          account: action % 2_000 === 1_999 ? RARE_ACCOUNT : (ACCOUNTS[action % ACCOUNTS.length] ?? 'main'),
        },
      };
    case 'outcome':
      return { ...base, outcomeKind: 'success', httpStatus: 200, response: { code: 200, msg: 'success' }, latencyMs: 42 };
    default:
      return base;
  }
}

interface QueryCase {
  readonly name: string;
  readonly filter: { userId?: string; actionKey?: string; account?: string; maxSeq?: number };
}

async function timeQueries(store: Store, lastSeq: number): Promise<Array<{ name: string; rows: number; p50: number; max: number }>> {
  const cases: QueryCase[] = [
    { name: 'no filter', filter: {} },
    { name: `by user (1 row in ${USERS.length})`, filter: { userId: USERS[3] } },
    { name: 'by user (1 row in 2,000)', filter: { userId: RARE_USER } },
    { name: 'by user (no rows)', filter: { userId: ABSENT_USER } },
    { name: `by action (1 row in ${ACTION_KEYS.length})`, filter: { actionKey: ACTION_KEYS[1] } },
    { name: 'by action (1 row in 2,000)', filter: { actionKey: RARE_ACTION } },
    { name: 'by user and action', filter: { userId: USERS[3], actionKey: ACTION_KEYS[3] } },
    { name: 'by user, an older page (‹ Older ›, anchored half-way)', filter: { userId: USERS[3], maxSeq: Math.floor(lastSeq / 2) } },
    // The account of each row is its action's requested row's (looked up per row): spread-thin accounts cost the most.
    { name: `by account (1 row in ${ACCOUNTS.length})`, filter: { account: ACCOUNTS[1] } },
    { name: 'by account (1 row in 2,000)', filter: { account: RARE_ACCOUNT } },
    { name: 'by account (no rows)', filter: { account: 'absent' } },
  ];
  const timings: Array<{ name: string; rows: number; p50: number; max: number }> = [];
  for (const { name, filter } of cases) {
    const samples: number[] = [];
    let rows = 0;
    await store.log.recent({ ...filter, limit: AUDIT_LIMIT }); // warm the statement cache and the page cache
    for (let run = 0; run < QUERY_RUNS; run++) {
      const started = performance.now();
      rows = (await store.log.recent({ ...filter, limit: AUDIT_LIMIT })).length;
      samples.push(performance.now() - started);
    }
    const { p50, max } = summarise(samples);
    timings.push({ name, rows, p50, max });
  }
  return timings;
}

export async function run(): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const path = join(dir, 'bot.sqlite');
  const store = await openStore(path);
  try {
    // 1. One append per transaction, as the bot appends outside a state change.
    const latencies: number[] = [];
    const sequentialStarted = performance.now();
    while (latencies.length < SEQUENTIAL_APPENDS && performance.now() - sequentialStarted < SEQUENTIAL_BUDGET_MS) {
      const started = performance.now();
      await store.log.append(entry(latencies.length));
      latencies.push(performance.now() - started);
    }
    const sequentialMs = performance.now() - sequentialStarted;
    const appendsPerS = latencies.length / (sequentialMs / 1000);
    const appendLatency = summarise(latencies);

    // 2. Fill to 100,000 rows, many appends per transaction (same appendIn, same chain).
    const fillStarted = performance.now();
    for (let written = latencies.length; written < TOTAL_ROWS; ) {
      const batch = Math.min(ROWS_PER_TRANSACTION, TOTAL_ROWS - written);
      const first = written;
      await store.db.transaction(async (tx) => {
        for (let i = 0; i < batch; i++) await store.log.appendIn(tx, entry(first + i));
      });
      written += batch;
    }
    const fillMs = performance.now() - fillStarted;
    const filled = TOTAL_ROWS - latencies.length;

    // 3. /audit over 100,000 rows, then the whole chain.
    const queries = await timeQueries(store, TOTAL_ROWS);
    const verifyStarted = performance.now();
    const verdict = await store.log.verify();
    const verifyMs = performance.now() - verifyStarted;
    if (!verdict.ok || verdict.rows !== TOTAL_ROWS) throw new Error(`the chain did not verify over ${TOTAL_ROWS} rows: ${JSON.stringify(verdict)}`);
    const fileMb = (statSync(path).size + statSize(`${path}-wal`)) / 1024 / 1024;

    const queryFigures: Figure[] = queries.flatMap(({ name, p50, max }) => [
      figure(`/audit ${name}: p50`, p50, 'ms'),
      figure(`/audit ${name}: max`, max, 'ms'),
    ]);
    return {
      title: `SQLite action log: appends with the hash chain, /audit and verify over ${TOTAL_ROWS.toLocaleString('en')} rows`,
      figures: [
        figure('appends, one transaction each (synchronous = FULL)', appendsPerS, 'appends/s'),
        figure('append latency p50', appendLatency.p50, 'ms'),
        figure('append latency p99', appendLatency.p99, 'ms'),
        figure(`appends, ${ROWS_PER_TRANSACTION.toLocaleString('en')} per transaction (the fill)`, filled / (fillMs / 1000), 'appends/s'),
        ...queryFigures,
        figure(`verify() over ${TOTAL_ROWS.toLocaleString('en')} rows`, verifyMs, 'ms'),
      ],
      details: {
        sequentialAppends: latencies.length,
        sequentialMs,
        appendLatencyMs: appendLatency,
        filledRows: filled,
        fillMs,
        auditLimit: AUDIT_LIMIT,
        queryRuns: QUERY_RUNS,
        queries,
        verifyMs,
        fileMb,
        tmpdir: tmpdir(),
      },
      notes: [
        `${latencies.length.toLocaleString('en')} sequential store.log.append calls (each its own BEGIN IMMEDIATE … COMMIT, WAL, synchronous = FULL: an fsync per append) in a temp dir under ${tmpdir()}; the fill to ${TOTAL_ROWS.toLocaleString('en')} rows uses the same appendIn inside store.db.transaction, ${ROWS_PER_TRANSACTION.toLocaleString('en')} rows each`,
        `/audit: store.log.recent(…) with limit ${AUDIT_LIMIT}, ${QUERY_RUNS} runs per filter after one warm-up; the rare user, rare action and absent user show the cost of a filter whose rows are spread thin (or absent) over the table; an account filter reads each row's account from its action's requested row, so a rare or absent account reads most of the table`,
        `verify() walked all ${verdict.rows.toLocaleString('en')} rows and found the chain intact; database file ${fileMb.toFixed(1)} MB`,
      ],
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function statSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatSection(await run()));
}
