import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceEmulator } from '../../test/emulators/binance/index.ts';
import { hmacClient } from '../../test/support/binance-client.ts';
import { createLogger } from '../log.ts';
import { Secret } from '../secret.ts';
import type { BinanceClient, BinanceClientOptions } from './client.ts';
import { HostLimits } from './host-limits.ts';
import type { BinanceOutcome, BinanceRequest } from './outcome.ts';
import { createSigner } from './signing.ts';

const API_KEY = 'EmulatorApiKey0000000000000001';
const SECRET = 'emulator-hmac-secret-000000000000000000000000001';
const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ED_KEY = 'EmulatorApiKeyEd25519000000001';
const RSA_KEY = 'EmulatorApiKeyRsa0000000000001';

const marginType = (symbol = 'BTCUSDT', type = 'ISOLATED'): BinanceRequest => ({
  family: 'fapi',
  method: 'POST',
  path: '/fapi/v1/marginType',
  params: [
    ['symbol', symbol],
    ['marginType', type],
  ],
  weight: { amount: 1, kind: 'ip' },
  security: 'signed',
});

const negativeBalance: BinanceRequest = {
  family: 'papi',
  method: 'POST',
  path: '/papi/v1/repay-futures-negative-balance',
  params: [],
  weight: { amount: 750, kind: 'ip' },
  security: 'signed',
};

let binance: BinanceEmulator;
let logLines: string[];
const clients: BinanceClient[] = [];

function client(overrides: Partial<BinanceClientOptions> = {}): BinanceClient {
  const created = hmacClient(binance.url, { apiKey: API_KEY, secret: SECRET }, {
    log: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    ...overrides,
  });
  clients.push(created);
  return created;
}

function expectKind<K extends BinanceOutcome['kind']>(outcome: BinanceOutcome, kind: K): Extract<BinanceOutcome, { kind: K }> {
  expect(outcome.kind, JSON.stringify(outcome)).toBe(kind);
  return outcome as Extract<BinanceOutcome, { kind: K }>;
}

beforeEach(async () => {
  logLines = [];
  binance = await BinanceEmulator.start({
    accounts: [
      { apiKey: API_KEY, kind: 'hmac', secret: SECRET },
      { apiKey: ED_KEY, kind: 'ed25519', publicKeyPem: ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      { apiKey: RSA_KEY, kind: 'rsa', publicKeyPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    ],
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(100)));
  await binance.close();
});

describe('signing', () => {
  it("matches Binance's documented HMAC worked examples (spot and USDⓈ-M)", () => {
    const spot = createSigner({ kind: 'hmac', secret: new Secret('NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j') });
    expect(
      spot.sign('symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559'),
    ).toBe('c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
    const futures = createSigner({ kind: 'hmac', secret: new Secret('2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9') });
    expect(
      futures.sign('symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943'),
    ).toBe('3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9');
  });

  it.each([
    ['HMAC', API_KEY, { kind: 'hmac', secret: new Secret(SECRET) }],
    ['Ed25519', ED_KEY, { kind: 'ed25519', privateKey: ed25519.privateKey }],
    ['RSA', RSA_KEY, { kind: 'rsa', privateKey: rsa.privateKey }],
  ] as const)('signs with %s so that the local Binance accepts the signature', async (_name, apiKey, key) => {
    const outcome = await client({ apiKey, signer: createSigner(key) }).execute(marginType());
    expectKind(outcome, 'success');
    const [received] = binance.requestsTo('/fapi/v1/marginType');
    expect(received?.signatureValid).toBe(true);
    expect(received?.apiKey).toBe(apiKey);
    expect(received?.totalParams).toMatch(/^symbol=BTCUSDT&marginType=ISOLATED&recvWindow=5000&timestamp=\d{13}$/);
    if (key.kind !== 'hmac') expect(received?.signature).toMatch(/%2B|%2F|%3D/); // base64, URL-encoded
  });

  it('is refused with -1022 and explained when the secret does not match the key', async () => {
    const outcome = await client({ signer: createSigner({ kind: 'hmac', secret: new Secret('a-different-secret-0000000000') }) }).execute(marginType());
    const rejected = expectKind(outcome, 'rejected');
    expect(rejected.code).toBe(-1022);
    expect(rejected.explanation).toMatch(/signature is not valid/);
    expect(binance.executed('/fapi/v1/marginType')).toHaveLength(0);
  });
});

describe('outcomes', () => {
  it('returns success with the parsed body, keeping ids above 2^53 exact', async () => {
    const outcome = await client().execute({
      family: 'sapi',
      method: 'POST',
      path: '/sapi/v1/portfolio/repay',
      params: [['from', 'MARGIN']],
      weight: { amount: 3000, kind: 'uid' },
      security: 'signed',
    });
    const success = expectKind(outcome, 'success');
    expect(success.body).toEqual({ tranId: '58203331886213504' });
    expect(success.request.params).toMatch(/^from=MARGIN&recvWindow=5000&timestamp=\d+$/);
  });

  it('returns rejected with the code, Binance message and a family-specific explanation', async () => {
    binance.marginTypes.set('BTCUSDT', 'ISOLATED');
    const alreadySet = expectKind(await client().execute(marginType('BTCUSDT', 'ISOLATED')), 'rejected');
    expect(alreadySet).toMatchObject({ status: 400, code: -4046, message: 'No need to change margin type.' });
    expect(alreadySet.explanation).toMatch(/already uses it/);

    binance.failNext('/fapi/v1/marginType', { kind: 'error', code: -2015, status: 401 });
    const noPermission = expectKind(await client().execute(marginType('ETHUSDT')), 'rejected');
    expect(noPermission.explanation).toMatch(/Portfolio Margin removes the futures permission/);

    for (const code of [-4047, -4048, -1102, -1111, -2014]) {
      binance.failNext('/fapi/v1/marginType', { kind: 'error', code, msg: 'x' });
      const rejected = expectKind(await client().execute(marginType('ETHUSDT')), 'rejected');
      expect(rejected.code).toBe(code);
      expect(rejected.explanation).not.toMatch(/see the message for details/);
    }
  });

  it('on -1021 re-syncs the clock, explains it and does not re-send the call', async () => {
    binance.clockSkewMs = 30_000; // Binance's clock is 30 s ahead: our timestamps look stale.
    const c = client();
    const rejected = expectKind(await c.execute(marginType()), 'rejected');
    expect(rejected.code).toBe(-1021);
    expect(rejected.explanation).toMatch(/clock/);
    expect(rejected.clockResync).toMatchObject({ ok: true });
    expect(rejected.clockResync?.ok === true && Math.abs(rejected.clockResync.offsetMs - 30_000)).toBeLessThan(500);
    expect(binance.requestsTo('/fapi/v1/marginType')).toHaveLength(1);
    // The operator confirms again: now it passes.
    expectKind(await c.execute(marginType()), 'success');
  });

  it('uses a clock corrected by the offset measured at sync time, ahead or behind', async () => {
    for (const skew of [-20_000, 20_000]) {
      binance.clockSkewMs = skew;
      const c = client();
      const offset = await c.syncClock('fapi');
      expect(Math.abs(offset - skew)).toBeLessThan(500);
      expectKind(await c.execute(marginType('BTCUSDT', skew > 0 ? 'ISOLATED' : 'CROSSED')), skew > 0 ? 'success' : 'rejected');
      const last = binance.requestsTo('/fapi/v1/marginType').at(-1);
      expect(last?.code).not.toBe(-1021);
    }
  });

  it('after a 429 honours Retry-After: refuses locally, sending nothing, until it passes', async () => {
    let now = Date.now();
    const c = client({ localNow: () => now });
    binance.failNext('/fapi/v1/marginType', { kind: 'rate-limit', status: 429, retryAfterS: 30 });
    const limited = expectKind(await c.execute(marginType()), 'rate-limited');
    expect(limited).toMatchObject({ sent: true, status: 429, banned: false });
    expect(limited.retryAt - now).toBe(30_000);

    const refused = expectKind(await c.execute(marginType()), 'rate-limited');
    expect(refused.sent).toBe(false);
    expect(binance.requestsTo('/fapi/v1/marginType')).toHaveLength(1);

    now += 31_000; // time passes for both sides
    binance.clockSkewMs = 31_000;
    expectKind(await c.execute(marginType()), 'success');
  });

  it('after a 418 says loudly that the IP is banned and refuses every call to that host until the ban ends', async () => {
    const elsewhere = await BinanceEmulator.start({ accounts: [{ apiKey: API_KEY, kind: 'hmac', secret: SECRET }] });
    try {
      // papi and sapi on the banned host; fapi on another host.
      const c = client({ baseUrls: { sapi: binance.url, papi: binance.url, fapi: elsewhere.url } });
      binance.failNext('/papi/v1/repay-futures-negative-balance', { kind: 'rate-limit', status: 418, retryAfterS: 120 });
      const banned = expectKind(await c.execute(negativeBalance), 'rate-limited');
      expect(banned).toMatchObject({ banned: true, status: 418 });
      expect(banned.explanation).toMatch(/BANNED/);
      expect(logLines.some((line) => line.includes('"level":"error"') && line.includes('BANNED'))).toBe(true);
      const refused = expectKind(await c.execute(negativeBalance), 'rate-limited');
      expect(refused).toMatchObject({ sent: false, banned: true, retryAt: banned.retryAt });
      // Binance bans the address per host: another family served by the same host is held too.
      expectKind(await c.execute({ ...negativeBalance, family: 'sapi', path: '/sapi/v1/portfolio/repay', params: [['from', 'SPOT']] }), 'rate-limited');
      expect(binance.requests).toHaveLength(1);
      // Another host is not banned.
      expectKind(await c.execute(marginType()), 'success');
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses before sending a call whose weight would pass the limit, saying when it fits', async () => {
    await clearOfMinuteBoundary();
    binance.setUsed('papi', 'x-mbx-used-weight-1m', 2_500);
    const c = client();
    expectKind(await c.execute(negativeBalance), 'success'); // header now says 3250 used
    const refused = expectKind(
      await c.execute({ family: 'papi', method: 'POST', path: '/papi/v1/margin/repay-debt', params: [['asset', 'BTC']], weight: { amount: 3000, kind: 'order' }, security: 'signed' }),
      'rate-limited',
    );
    expect(refused.sent).toBe(false);
    expect(refused.explanation).toMatch(/x-mbx-used-weight-1m is at 3250 of 6000; this call adds 3000/);
    expect(refused.retryAt).toBeGreaterThan(Date.now());
    expect(refused.retryAt - Date.now()).toBeLessThanOrEqual(60_000);
    expect(binance.requestsTo('/papi/v1/margin/repay-debt')).toHaveLength(0);
  });

  it.each([
    ['a 500 with Binance’s -1000 body', { kind: 'server-error', status: 500 } as const, 'in-flight'],
    ['a 503', { kind: 'server-error', status: 503, body: 'Service Unavailable' } as const, 'server-error'],
    ['-1007 (backend timeout)', { kind: 'error', code: -1007, status: 408 } as const, 'binance-timeout'],
    ['a dropped connection', { kind: 'drop' } as const, 'connection-lost'],
  ])('reports %s as UNKNOWN and never re-sends', async (_name, fault, reason) => {
    binance.failNext('/fapi/v1/marginType', fault);
    const unknown = expectKind(await client().execute(marginType()), 'unknown');
    expect(unknown.reason).toBe(reason);
    expect(unknown.explanation).toMatch(/UNKNOWN/);
    expect(unknown.explanation).toMatch(/check in Binance/i);
    expect(binance.requestsTo('/fapi/v1/marginType')).toHaveLength(1);
  });

  it.each([
    [-1000, 'in-flight', /unknown error/],
    [-1006, 'in-flight', /unexpected answer from its message bus/],
    [-1007, 'binance-timeout', /timed out waiting for its back end/],
  ] as const)('reports %i as UNKNOWN (%s) even with a 4xx status, in plain words: Binance says it may have executed', async (code, reason, meaning) => {
    binance.failNext('/fapi/v1/marginType', { kind: 'error', code, status: 400 });
    const unknown = expectKind(await client().execute(marginType()), 'unknown');
    expect(unknown.status).toBe(400);
    expect(unknown.reason).toBe(reason);
    expect(unknown.explanation).toMatch(new RegExp(`^Binance answered code ${code} \\(.*\\) with HTTP 400: `));
    expect(unknown.explanation).toMatch(meaning);
    expect(unknown.explanation).toMatch(/may have executed, or may still execute: the status is UNKNOWN\. It will not be re-sent/);
    expect(binance.requestsTo('/fapi/v1/marginType')).toHaveLength(1);
  });

  it('clamps a nonsense Retry-After instead of failing', async () => {
    binance.failNext('/fapi/v1/marginType', { kind: 'rate-limit', status: 418, retryAfterS: 1e12 });
    const limited = expectKind(await client().execute(marginType()), 'rate-limited');
    expect(limited.retryAt - Date.now()).toBeLessThanOrEqual(3 * 86_400_000);
    expect(limited.banned).toBe(true);
  });

  it('reports a timeout as UNKNOWN, although Binance executed the call', async () => {
    binance.failNext('/fapi/v1/marginType', { kind: 'delay', ms: 800 });
    const unknown = expectKind(await client({ timeoutMs: 300 }).execute(marginType()), 'unknown');
    expect(unknown.reason).toBe('timeout');
    expect(unknown.explanation).toMatch(/300 ms/);
    expect(binance.executed('/fapi/v1/marginType')).toHaveLength(1);
    expect(binance.requestsTo('/fapi/v1/marginType')).toHaveLength(1);
  });

  it('reports a refused connection as not sent', async () => {
    const port = await freePort();
    const outcome = await client({ baseUrls: { sapi: binance.url, papi: binance.url, fapi: `http://127.0.0.1:${port}` } }).execute(marginType());
    expect(expectKind(outcome, 'not-sent').explanation).toMatch(/ECONNREFUSED/);
  });

  it('in dry-run mode signs the request but sends nothing', async () => {
    const outcome = await client({ dryRun: true }).execute(marginType());
    expect(expectKind(outcome, 'dry-run').request.params).toMatch(/^symbol=BTCUSDT&marginType=ISOLATED&recvWindow=5000&timestamp=\d+$/);
    expect(binance.requests).toHaveLength(0);
  });
});

describe('sending', () => {
  it('calls beforeSend with the exact request before it leaves, and sends nothing if it throws', async () => {
    const c = client();
    const seen: number[] = [];
    await c.execute(marginType(), {
      beforeSend: async (record) => {
        expect(record.params).toMatch(/^symbol=BTCUSDT&marginType=ISOLATED&recvWindow=5000&timestamp=\d+$/);
        expect(JSON.stringify(record)).not.toMatch(/signature/);
        seen.push(binance.requests.length);
      },
    });
    expect(seen).toEqual([0]);
    await expect(
      c.execute(marginType('ETHUSDT'), {
        beforeSend: async () => {
          throw new Error('log write failed');
        },
      }),
    ).rejects.toThrow('log write failed');
    expect(binance.requests).toHaveLength(1);
  });

  it('keeps connections alive: ten sequential calls reuse the pool', async () => {
    const c = client();
    for (const symbol of ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT']) {
      expectKind(await c.execute(marginType(symbol, 'ISOLATED')), 'success');
      expectKind(await c.execute(marginType(symbol, 'CROSSED')), 'success');
    }
    // undici may open a second socket while the first is being released; never one per call.
    expect(binance.connections).toBeLessThanOrEqual(2);
  });

  it('reports reachability, round trip, clock offset and rate-limit usage per family', async () => {
    binance.clockSkewMs = 1234;
    const c = client();
    await c.startClockSync();
    await c.execute(marginType());
    const health = await c.health('fapi');
    expect(health).toMatchObject({ family: 'fapi', reachable: true });
    expect(Math.abs(health.clockOffsetMs - 1234)).toBeLessThan(300);
    expect(health.usage.find((u) => u.header === 'x-mbx-used-weight-1m')).toMatchObject({ limit: 2400 });
    expect(health.usage.find((u) => u.header === 'x-mbx-used-weight-1m')?.used).toBeGreaterThan(0);
  });
});

describe('limits under pressure', () => {
  it('reserves the budget before any await: ten concurrent calls with room for eight send eight', async () => {
    await clearOfMinuteBoundary();
    const c = client({ limits: { fapi: { 'x-mbx-used-weight-1m': 8 } } });
    // Each call awaits its log write before sending, as the pipeline's does.
    const logWrite = { beforeSend: () => new Promise<void>((resolve) => setTimeout(resolve, 20)) };
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => c.execute(marginType('BTCUSDT', i % 2 === 0 ? 'ISOLATED' : 'CROSSED'), logWrite)),
    );
    expect(binance.requestsTo('/fapi/v1/marginType')).toHaveLength(8);
    const refused = outcomes.filter((outcome) => outcome.kind === 'rate-limited');
    expect(refused).toHaveLength(2);
    for (const outcome of refused) {
      expect(outcome).toMatchObject({ sent: false, explanation: expect.stringMatching(/x-mbx-used-weight-1m is at 8 of 8; this call adds 1/) });
    }
  });

  it('gives a reservation back only when nothing reached Binance', async () => {
    await clearOfMinuteBoundary();
    const roomForOne = { limits: { fapi: { 'x-mbx-used-weight-1m': 1 } } };
    // Dry-run: signed, never sent, nothing spent.
    const dry = client({ ...roomForOne, dryRun: true });
    expectKind(await dry.execute(marginType()), 'dry-run');
    expectKind(await dry.execute(marginType()), 'dry-run');
    // No connection: nothing reached Binance.
    const unreachable = client({ ...roomForOne, baseUrls: { sapi: binance.url, papi: binance.url, fapi: `http://127.0.0.1:${await freePort()}` } });
    expectKind(await unreachable.execute(marginType()), 'not-sent');
    expectKind(await unreachable.execute(marginType()), 'not-sent');
    // The log write before the send failed: not sent, the room is still there.
    const c = client(roomForOne);
    const failingLog = {
      beforeSend: async () => {
        throw new Error('log write failed');
      },
    };
    await expect(c.execute(marginType(), failingLog)).rejects.toThrow('log write failed');
    expect(binance.requests).toHaveLength(0);
    expectKind(await c.execute(marginType()), 'success');
    // That one reached Binance: the room is spent.
    expect(expectKind(await c.execute(marginType()), 'rate-limited').sent).toBe(false);
    // A call that timed out reached Binance too, so its weight stays spent.
    const slow = client({ ...roomForOne, timeoutMs: 200 });
    binance.failNext('/fapi/v1/marginType', { kind: 'delay', ms: 600 });
    expectKind(await slow.execute(marginType('ETHUSDT')), 'unknown');
    expect(expectKind(await slow.execute(marginType('ETHUSDT')), 'rate-limited').sent).toBe(false);
  });

  it("shares one host's IP counters between the clients of several accounts, and keeps each account's order counters apart", async () => {
    await clearOfMinuteBoundary();
    const host = new HostLimits({ limits: { fapi: { 'x-mbx-used-weight-1m': 2 } } });
    const oneOrderEach = { papi: { 'x-mbx-order-count-1m': 1 } };
    const main = client({ hostLimits: host, limits: oneOrderEach });
    const other = client({ hostLimits: host, limits: oneOrderEach, apiKey: ED_KEY, signer: createSigner({ kind: 'ed25519', privateKey: ed25519.privateKey }) });

    expectKind(await main.execute(marginType('BTCUSDT')), 'success');
    expectKind(await other.execute(marginType('ETHUSDT')), 'success');
    // The IP weight both keys spent is one budget: neither may send a third call.
    expect(expectKind(await main.execute(marginType('BNBUSDT')), 'rate-limited').explanation).toMatch(/x-mbx-used-weight-1m is at 2 of 2/);
    expect(expectKind(await other.execute(marginType('BNBUSDT')), 'rate-limited').sent).toBe(false);
    expect(binance.requestsTo('/fapi/v1/marginType').map((request) => request.apiKey)).toEqual([API_KEY, ED_KEY]);

    // Order counts belong to the account: main's second repay is held, the other account's first is not.
    const repay: BinanceRequest = { family: 'papi', method: 'POST', path: '/papi/v1/margin/repay-debt', params: [['asset', 'USDT'], ['amount', '1']], weight: { amount: 3000, kind: 'order' }, security: 'signed' };
    expectKind(await main.execute(repay), 'success');
    expect(expectKind(await main.execute(repay), 'rate-limited').explanation).toMatch(/x-mbx-order-count-1m is at 1 of 1/);
    expectKind(await other.execute(repay), 'success');
    expect(binance.requestsTo('/papi/v1/margin/repay-debt').map((request) => request.apiKey)).toEqual([API_KEY, ED_KEY]);
  });

  it('sends no ping, clock sync or read during a ban, and says when it lifts', async () => {
    let now = Date.now();
    const c = client({ localNow: () => now });
    binance.failNext('/fapi/v1/ping', { kind: 'rate-limit', status: 418, retryAfterS: 120 });
    const first = await c.health('fapi');
    expect(first).toMatchObject({ reachable: false, error: 'HTTP 418', blocked: { until: now + 120_000, banned: true } });

    const during = await c.health('fapi');
    expect(during).toMatchObject({ reachable: false, blocked: { until: now + 120_000, banned: true } });
    expect(during.error).toMatch(/^not pinged: Binance has BANNED this IP address .*calls resume at \d{4}-\d\d-\d\dT/);
    await expect(c.syncClock('fapi')).rejects.toThrow(/\/fapi\/v1\/time not sent: .*BANNED.*calls resume at/);
    const read = expectKind(
      await c.execute({ family: 'fapi', method: 'GET', path: '/fapi/v1/exchangeInfo', params: [], weight: { amount: 1, kind: 'ip' }, security: 'public' }),
      'rate-limited',
    );
    expect(read).toMatchObject({ sent: false, banned: true, retryAt: now + 120_000 });
    expect(binance.requests.map((request) => request.path)).toEqual(['/fapi/v1/ping']);

    now += 121_000;
    expect(await c.health('fapi')).toMatchObject({ reachable: true, blocked: undefined });
  });
});

describe('secrets', () => {
  it('never shows the secret, private key or a signature in outcomes, logs or inspection', async () => {
    const c = client();
    const outcomes: BinanceOutcome[] = [];
    binance.failNext('/fapi/v1/marginType', { kind: 'server-error' });
    binance.failNext('/fapi/v1/marginType', { kind: 'drop' });
    binance.failNext('/fapi/v1/marginType', { kind: 'error', code: -1022 });
    for (let i = 0; i < 4; i++) outcomes.push(await c.execute(marginType()));
    outcomes.push(await client({ signer: createSigner({ kind: 'hmac', secret: new Secret('wrong-secret-wrong-secret-0000') }) }).execute(marginType('ETHUSDT')));
    const edClient = client({ apiKey: ED_KEY, signer: createSigner({ kind: 'ed25519', privateKey: ed25519.privateKey }) });
    outcomes.push(await edClient.execute(marginType('BNBUSDT')));

    const signatures = binance.requests.flatMap((request) => (request.signature === undefined ? [] : [request.signature]));
    expect(signatures.length).toBeGreaterThanOrEqual(5);
    const everything = [
      JSON.stringify(outcomes),
      logLines.join('\n'),
      inspect(c, { depth: 10, showHidden: true }),
      inspect(edClient, { depth: 10 }),
      String(new Secret(SECRET)),
      JSON.stringify({ secret: new Secret(SECRET) }),
      inspect(new Secret(SECRET)),
    ].join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1]);
    for (const signature of signatures) {
      expect(everything).not.toContain(signature);
      expect(everything).not.toContain(decodeURIComponent(signature));
    }
  });
});

/** Usage counts per minute window: a test that fills one must not straddle two. */
async function clearOfMinuteBoundary(): Promise<void> {
  const msToMinute = 60_000 - (Date.now() % 60_000);
  if (msToMinute < 3000) await new Promise((resolve) => setTimeout(resolve, msToMinute + 50));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
