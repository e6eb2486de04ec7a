// One client's throughput, measured in a fresh process so that its import time
// and memory are its own. Compiled with the bot (`npm run build` →
// dist/bench/throughput-worker.js) and run with plain node, no TypeScript
// loader, so import times are the libraries' own.
//
// Usage: node --expose-gc dist/bench/throughput-worker.js <client> <url> <apiKey> <secret> <seconds>
// Prints a JSON line {"phase": …, "at": "start" | "end"} around each measured
// phase (the parent reads the server's CPU time there), then one JSON line with
// import time, RSS, requests per second sequential and with 16 in flight, and
// this process's CPU time per request, each a signed POST /fapi/v1/marginType.
import { createHmac } from 'node:crypto';

export const CLIENTS = ['bot', 'official', 'ccxt', 'floor'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface WorkerResult {
  readonly client: ClientName;
  readonly importMs: number;
  readonly rssBaselineMb: number;
  readonly rssAfterImportMb: number;
  readonly rssAfterRunMb: number;
  readonly sequentialPerS: number;
  readonly concurrentPerS: number;
  /** This process's CPU time (user + system) per request: the client's own cost, whatever the server's speed. */
  readonly sequentialCpuUsPerRequest: number;
  readonly concurrentCpuUsPerRequest: number;
  readonly requests: number;
  /** Answers that were not success or -4046 (a signature or key problem would show here). */
  readonly failures: number;
  readonly firstFailure?: string;
}

const IN_FLIGHT = 16;
const SYMBOL = 'BTCUSDT';

/** One signed call; resolves true for Binance's success or -4046 ("no need to change"), false otherwise. */
type Call = (marginType: 'ISOLATED' | 'CROSSED') => Promise<boolean>;

let firstFailure: string | undefined;
/** Time spent in the client library's `import()`s (construction and set-up excluded). */
let importMs = 0;
async function timedImport<T>(load: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const loaded = await load();
  importMs += performance.now() - started;
  return loaded;
}
const fail = (what: unknown): false => {
  firstFailure ??= what instanceof Error ? `${what.name}: ${what.message}` : String(what);
  return false;
};
const isNoChange = (error: unknown): boolean => /-4046|No need to change margin type/.test(error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error));

async function makeCall(client: ClientName, url: string, apiKey: string, secret: string): Promise<Call> {
  switch (client) {
    case 'bot': {
      const { BinanceClient, createSigner } = await timedImport(() => import('../src/binance/index.ts'));
      const { Secret } = await timedImport(() => import('../src/secret.ts'));
      const { silentLogger } = await timedImport(() => import('../src/log.ts'));
      const binance = new BinanceClient({
        apiKey,
        signer: createSigner({ kind: 'hmac', secret: new Secret(secret) }),
        baseUrls: { sapi: url, papi: url, fapi: url },
        recvWindowMs: 5_000,
        timeoutMs: 10_000,
        dryRun: false,
        log: silentLogger,
        // The local Binance counts weight without limits; lift the budget's to match.
        limits: { fapi: { 'x-mbx-used-weight-1m': Number.MAX_SAFE_INTEGER } },
      });
      await binance.syncClock('fapi');
      return async (marginType) => {
        const outcome = await binance.execute({
          family: 'fapi',
          method: 'POST',
          path: '/fapi/v1/marginType',
          params: [
            ['symbol', SYMBOL],
            ['marginType', marginType],
          ],
          weight: { amount: 1, kind: 'ip' },
          security: 'signed',
        });
        if (outcome.kind === 'success') return true;
        if (outcome.kind === 'rejected' && outcome.code === -4046) return true;
        return fail(`${outcome.kind}: ${'explanation' in outcome ? outcome.explanation : ''}`);
      };
    }
    case 'official': {
      const { DerivativesTradingUsdsFutures, DerivativesTradingUsdsFuturesRestAPI } = await timedImport(() => import('@binance/derivatives-trading-usds-futures'));
      const connector = new DerivativesTradingUsdsFutures({ configurationRestAPI: { apiKey, apiSecret: secret, basePath: url, retries: 0, keepAlive: true, timeout: 10_000 } });
      const types = DerivativesTradingUsdsFuturesRestAPI.ChangeMarginTypeMarginTypeEnum;
      return async (marginType) => {
        try {
          const response = await connector.restAPI.changeMarginType({ symbol: SYMBOL, marginType: marginType === 'ISOLATED' ? types.ISOLATED : types.CROSSED });
          await response.data();
          return true;
        } catch (error) {
          return isNoChange(error) || fail(error);
        }
      };
    }
    case 'ccxt': {
      const { default: ccxt } = await timedImport(() => import('ccxt'));
      // enableRateLimit: false turns CCXT's own throttle off, so it sends as fast as the others.
      const exchange = new ccxt.binanceusdm({ apiKey, secret, enableRateLimit: false, timeout: 10_000, options: { adjustForTimeDifference: false, recvWindow: 5_000 } });
      const api = exchange.urls.api as Record<string, string>;
      api.fapiPrivate = `${url}/fapi/v1`;
      return async (marginType) => {
        try {
          await exchange.fapiPrivatePostMarginType({ symbol: SYMBOL, marginType });
          return true;
        } catch (error) {
          return isNoChange(error) || fail(error);
        }
      };
    }
    case 'floor': {
      const { Pool } = await timedImport(() => import('undici'));
      const pool = new Pool(url, { connections: IN_FLIGHT });
      return async (marginType) => {
        const params = `symbol=${SYMBOL}&marginType=${marginType}&recvWindow=5000&timestamp=${Date.now()}`;
        const signature = createHmac('sha256', secret).update(params).digest('hex');
        const { statusCode, body } = await pool.request({
          method: 'POST',
          path: '/fapi/v1/marginType',
          headers: { 'x-mbx-apikey': apiKey, 'content-type': 'application/x-www-form-urlencoded' },
          body: `${params}&signature=${signature}`,
        });
        const text = await body.text();
        return statusCode === 200 || text.includes('-4046') || fail(text);
      };
    }
  }
}

export type Phase = 'sequential' | 'concurrent';
export interface PhaseMark {
  readonly phase: Phase;
  readonly at: 'start' | 'end';
}
const mark = (phase: Phase, at: PhaseMark['at']): void => void process.stdout.write(`${JSON.stringify({ phase, at } satisfies PhaseMark)}\n`);

/** Calls in `lanes` parallel loops for `seconds`; returns calls per second and CPU time per call. */
async function measure(call: Call, lanes: number, seconds: number): Promise<{ perS: number; cpuUsPerRequest: number; count: number; failures: number }> {
  let count = 0;
  let failures = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      let flip = lane % 2 === 0;
      while (performance.now() < deadline) {
        flip = !flip;
        const ok = await call(flip ? 'ISOLATED' : 'CROSSED');
        count += 1;
        if (!ok) failures += 1;
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { perS: count / elapsedS, cpuUsPerRequest: (cpu.user + cpu.system) / count, count, failures };
}

const rssMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};

async function main(): Promise<void> {
  const [client, url, apiKey, secret, secondsText] = process.argv.slice(2);
  if (!CLIENTS.includes(client as ClientName) || url === undefined || apiKey === undefined || secret === undefined) {
    throw new Error('usage: throughput-worker.js <bot|official|ccxt|floor> <url> <apiKey> <secret> <seconds>');
  }
  const seconds = Number(secondsText ?? '3');
  const name = client as ClientName;
  const rssBaselineMb = rssMb();
  const call = await makeCall(name, url, apiKey, secret);
  const rssAfterImportMb = rssMb();

  // Warm-ups (discarded): connections, JIT, and the pool's 16 sockets before the concurrent phase.
  await measure(call, 1, Math.min(2, seconds / 2));
  mark('sequential', 'start');
  const sequential = await measure(call, 1, seconds);
  mark('sequential', 'end');
  await measure(call, IN_FLIGHT, Math.min(1, seconds / 4));
  mark('concurrent', 'start');
  const concurrent = await measure(call, IN_FLIGHT, seconds);
  mark('concurrent', 'end');
  const result: WorkerResult = {
    client: name,
    importMs,
    rssBaselineMb,
    rssAfterImportMb,
    rssAfterRunMb: rssMb(),
    sequentialPerS: sequential.perS,
    concurrentPerS: concurrent.perS,
    sequentialCpuUsPerRequest: sequential.cpuUsPerRequest,
    concurrentCpuUsPerRequest: concurrent.cpuUsPerRequest,
    requests: sequential.count + concurrent.count,
    failures: sequential.failures + concurrent.failures,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

if (process.argv[1]?.endsWith('throughput-worker.js') === true) await main();
