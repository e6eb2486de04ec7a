// Signed POST /fapi/v1/marginType per second: this bot's client against the
// floor (a bare undici Pool.request + crypto HMAC loop), Binance's official
// connector and CCXT. The local Binance runs in a process of its own; each
// client runs in a fresh process of its own (dist/bench/throughput-worker.js,
// plain node, no TypeScript loader), so import times and memory are its own.
// The clients take turns over several rounds and each keeps its median, which
// damps a shared machine's noise.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, ROOT } from '../test/support/build.ts';
import { figure, formatSection, summarise, type Section } from './report.ts';
import type { ClientName, PhaseMark, WorkerResult } from './throughput-worker.ts';

const API_KEY = 'BenchApiKey0000000000000000000000000000000000000000000000000001';
const SECRET = 'bench-hmac-secret-000000000000000000000000000000000000000000001';
const ROUNDS = 3;
const SECONDS = 2.5;
const ORDER: readonly ClientName[] = ['floor', 'bot', 'official', 'ccxt'];
const LABELS: Readonly<Record<ClientName, string>> = {
  floor: 'floor (undici Pool + HMAC)',
  bot: 'this bot’s client',
  official: 'official connector',
  ccxt: 'CCXT (enableRateLimit: false)',
};

/** What the server process says about itself (see serve.ts). */
interface ServerStats {
  readonly tag: string;
  readonly atMs: number;
  readonly cpuUs: number;
  readonly answers: Readonly<Record<string, number>>;
}

interface Server {
  readonly url: string;
  stats(tag: string): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** The local Binance in its own process. */
async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulators/binance/serve.ts', API_KEY, SECRET], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [first] = (await once(lines, 'line')) as [string];
  const { url } = JSON.parse(first) as { url: string };
  const waiting = new Map<string, (stats: ServerStats) => void>();
  lines.on('line', (line) => {
    const stats = JSON.parse(line) as ServerStats;
    waiting.get(stats.tag)?.(stats);
    waiting.delete(stats.tag);
  });
  return {
    url,
    stats: (tag) =>
      new Promise((resolve) => {
        waiting.set(tag, resolve);
        child.stdin.write(`stats ${tag}\n`);
      }),
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

interface Run {
  readonly result: WorkerResult;
  /** Share of one core the server used during each measured phase. */
  readonly serverCpu: Readonly<Record<PhaseMark['phase'], number>>;
}

/** One client in a fresh process; the server's CPU time is read at the worker's phase marks. */
async function runWorker(client: ClientName, server: Server, runTag: string): Promise<Run> {
  const child = spawn(process.execPath, ['--expose-gc', join('dist', 'bench', 'throughput-worker.js'), client, server.url, API_KEY, SECRET, String(SECONDS)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const marks: Array<Promise<[string, ServerStats]>> = [];
  let last = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    const parsed = JSON.parse(line) as Partial<PhaseMark>;
    if (parsed.phase !== undefined && parsed.at !== undefined) {
      const key = `${parsed.phase}-${parsed.at}`;
      marks.push(server.stats(`${runTag}-${key}`).then((stats) => [key, stats]));
    } else last = line;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the ${client} worker exited with ${code}: ${last}`);
  const result = JSON.parse(last) as WorkerResult;
  if (result.failures > 0) throw new Error(`${client}: ${result.failures} calls failed (first: ${result.firstFailure ?? '?'}); the comparison would be meaningless`);
  const at = new Map(await Promise.all(marks));
  const share = (phase: PhaseMark['phase']) => {
    const start = at.get(`${phase}-start`);
    const end = at.get(`${phase}-end`);
    return start === undefined || end === undefined ? Number.NaN : (end.cpuUs - start.cpuUs) / ((end.atMs - start.atMs) * 1000);
  };
  return { result, serverCpu: { sequential: share('sequential'), concurrent: share('concurrent') } };
}

/** Every answer the server gave must be to the benchmark's call (or a clock sync), accepted: no key or signature errors. */
function checkAnswers(answers: Readonly<Record<string, number>>): void {
  const expected = new Set(['POST /fapi/v1/marginType 200', 'POST /fapi/v1/marginType 400', 'GET /fapi/v1/time 200']);
  const unexpected = Object.entries(answers).filter(([key]) => !expected.has(key));
  if (unexpected.length > 0) throw new Error(`the server gave unexpected answers: ${JSON.stringify(unexpected)}`);
}

const median = (values: readonly number[]): number => summarise(values).p50;

export async function run(): Promise<Section> {
  ensureBuilt('tsconfig.bench.json');
  const server = await startServer();
  const runs = new Map<ClientName, Run[]>(ORDER.map((client) => [client, []]));
  let answered: Readonly<Record<string, number>>;
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate who goes first, so no client always meets a warmer or colder server.
      for (let index = 0; index < ORDER.length; index += 1) {
        const client = ORDER[(index + round) % ORDER.length] ?? 'floor';
        runs.get(client)?.push(await runWorker(client, server, `${round}-${client}`));
      }
    }
    answered = (await server.stats('final')).answers;
  } finally {
    await server.stop();
  }
  checkAnswers(answered);
  const totalAnswers = Object.entries(answered).filter(([key]) => key.startsWith('POST')).reduce((sum, [, count]) => sum + count, 0);

  const of = (client: ClientName) => {
    const results = runs.get(client) ?? [];
    const cpu = (phase: PhaseMark['phase']) => median(results.map((run) => run.serverCpu[phase]));
    const r = results.map((run) => run.result);
    return {
      sequential: median(r.map((x) => x.sequentialPerS)),
      concurrent: median(r.map((x) => x.concurrentPerS)),
      importMs: median(r.map((x) => x.importMs)),
      rssAfterImportMb: median(r.map((x) => x.rssAfterImportMb)),
      rssAfterRunMb: median(r.map((x) => x.rssAfterRunMb)),
      baselineMb: median(r.map((x) => x.rssBaselineMb)),
      cpuUsSequential: median(r.map((x) => x.sequentialCpuUsPerRequest)),
      cpuUsConcurrent: median(r.map((x) => x.concurrentCpuUsPerRequest)),
      serverCpuSequential: cpu('sequential'),
      serverCpuConcurrent: cpu('concurrent'),
    };
  };
  const bot = of('bot');
  const floor = of('floor');
  const official = of('official');
  const ccxt = of('ccxt');

  const ratio = (a: number, b: number) => a / b;
  return {
    title: `Client throughput: signed POST /fapi/v1/marginType, median of ${ROUNDS} rounds of ${SECONDS} s each`,
    figures: [
      ...ORDER.flatMap((client) => {
        const m = of(client);
        return [figure(`${LABELS[client]}: sequential`, m.sequential, 'req/s'), figure(`${LABELS[client]}: 16 in flight`, m.concurrent, 'req/s')];
      }),
      figure('bot / floor, sequential', ratio(bot.sequential, floor.sequential) * 100, '%', { text: '>= 90 %', met: bot.sequential >= 0.9 * floor.sequential }),
      figure('bot / floor, 16 in flight', ratio(bot.concurrent, floor.concurrent) * 100, '%', { text: '>= 90 %', met: bot.concurrent >= 0.9 * floor.concurrent }),
      figure('bot / official connector, sequential', ratio(bot.sequential, official.sequential), 'x', { text: '>= 2x', met: bot.sequential >= 2 * official.sequential }),
      figure('bot / official connector, 16 in flight', ratio(bot.concurrent, official.concurrent), 'x', { text: '>= 2x', met: bot.concurrent >= 2 * official.concurrent }),
      figure('bot / CCXT, sequential', ratio(bot.sequential, ccxt.sequential), 'x', { text: '>= 1.3x', met: bot.sequential >= 1.3 * ccxt.sequential }),
      figure('bot / CCXT, 16 in flight', ratio(bot.concurrent, ccxt.concurrent), 'x', { text: '>= 1.3x', met: bot.concurrent >= 1.3 * ccxt.concurrent }),
      figure('floor / CCXT, sequential (reference)', ratio(floor.sequential, ccxt.sequential), 'x'),
      figure('floor / official, sequential (reference)', ratio(floor.sequential, official.sequential), 'x'),
      ...ORDER.flatMap((client) => {
        const m = of(client);
        return [
          figure(`${LABELS[client]}: client CPU per request, sequential`, m.cpuUsSequential, 'µs'),
          figure(`${LABELS[client]}: client CPU per request, 16 in flight`, m.cpuUsConcurrent, 'µs'),
          figure(`${LABELS[client]}: server CPU during 16 in flight`, m.serverCpuConcurrent * 100, '% of a core'),
        ];
      }),
      ...ORDER.flatMap((client) => {
        const m = of(client);
        return [
          figure(`${LABELS[client]}: import time`, m.importMs, 'ms'),
          figure(`${LABELS[client]}: RSS after import (+ over bare node)`, m.rssAfterImportMb - m.baselineMb, 'MB'),
          figure(`${LABELS[client]}: RSS after the run`, m.rssAfterRunMb, 'MB'),
        ];
      }),
    ],
    notes: [
      'CCXT runs with enableRateLimit: false (its built-in throttle off) and adjustForTimeDifference: false, calling its implicit fapiPrivatePostMarginType: one request per call, like the others',
      "the official connector runs with retries: 0 and keepAlive: true; this bot's client with its rate-limit budget lifted (the local Binance counts weight but enforces no limit)",
      'each answer is success or -4046 (no change needed) from a server that verified the signature; any other answer aborts the benchmark',
      "the bot's client does what the floor does plus its timeout timer, rate-limit budget, lossless JSON and typed outcome",
      'import time is the library import() alone; RSS is measured after a forced GC',
      `the server answered ${totalAnswers} POSTs, every one accepted (200 or -4046): no key, timestamp or signature error`,
      'when the server runs near 100 % of a core during "16 in flight", that figure measures the server as much as the client: the client CPU per request then says which client costs more',
    ],
    details: { answers: answered, runs: Object.fromEntries(ORDER.map((client) => [client, runs.get(client)])) },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatSection(await run()));
}
