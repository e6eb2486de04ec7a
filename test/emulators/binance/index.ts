// A local HTTP server that plays Binance for tests, the demo and the benchmark.
// It checks API keys, timestamps and signatures exactly as Binance documents
// (HMAC over query + body, Ed25519 and RSA base64), answers the seed docs'
// bodies, sends the rate-limit headers, and can be told to fail: an error
// code, 429/418 with Retry-After, a 5xx, a slow answer or a dropped connection.
// Every request is recorded with what Binance would have done with it.
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { compareDecimals, normaliseDecimal } from '../../../src/decimal.ts';

export type EmulatedFamily = 'sapi' | 'papi' | 'fapi';

export type ApiAccount =
  | { readonly apiKey: string; readonly kind: 'hmac'; readonly secret: string }
  | { readonly apiKey: string; readonly kind: 'ed25519' | 'rsa'; readonly publicKeyPem: string };

/** What to do instead of (or before) answering normally. */
export type Fault =
  | { readonly kind: 'error'; readonly code: number; readonly msg?: string; readonly status?: number }
  | { readonly kind: 'rate-limit'; readonly status: 429 | 418; readonly retryAfterS: number }
  | { readonly kind: 'server-error'; readonly status?: number; readonly body?: string }
  /** Executes the call, then answers only after `ms` (a client timeout sees UNKNOWN, yet it happened). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Reads the request, executes it, then drops the connection without answering. */
  | { readonly kind: 'drop' };

export interface ReceivedRequest {
  readonly at: number;
  /** performance.now() when the request arrived, for latency measurements in this process. */
  readonly hr: number;
  readonly method: string;
  readonly path: string;
  readonly family: EmulatedFamily;
  readonly query: string;
  readonly body: string;
  readonly apiKey: string | undefined;
  /** query + body without the signature: the bytes Binance verifies. */
  readonly totalParams: string;
  readonly params: Readonly<Record<string, string>>;
  readonly signature: string | undefined;
  readonly signatureValid: boolean | undefined;
  /** Whether the endpoint's effect happened (the call "executed" on Binance). */
  executed: boolean;
  status: number | undefined;
  code: number | undefined;
}

export interface BinanceEmulatorOptions {
  readonly accounts: readonly ApiAccount[];
  /** Binance's clock = local clock + skew. */
  readonly clockSkewMs?: number;
  /** Answer 429 past the documented limits (default true). The benchmark turns it off; the headers still count. */
  readonly enforceLimits?: boolean;
  /** Keep every request in `requests` (default true). The benchmark turns it off to stay flat over 100k calls. */
  readonly record?: boolean;
  readonly port?: number;
}

interface Answer {
  readonly status: number;
  /** Raw JSON text, so big integers keep every digit. */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

interface EndpointSpec {
  readonly method: 'GET' | 'POST';
  readonly signed: boolean;
  readonly weight: number;
  readonly weightKind: 'ip' | 'uid' | 'order';
  readonly handle: (params: Readonly<Record<string, string>>, emulator: BinanceEmulator) => Answer;
}

const LIMITS: Readonly<Record<EmulatedFamily, Readonly<Record<string, number>>>> = {
  sapi: { 'x-sapi-used-ip-weight-1m': 12_000, 'x-sapi-used-uid-weight-1m': 180_000 },
  papi: { 'x-mbx-used-weight-1m': 6_000, 'x-mbx-order-count-1m': 1_200 },
  fapi: { 'x-mbx-used-weight-1m': 2_400 },
};

export const DEFAULT_LOANS: Readonly<Record<string, string>> = { BTC: '0.5', USDT: '12000', BNB: '10' };
export const DEFAULT_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'] as const;
/** The tranId of the seed doc's bankruptcy-repay answer: above 2^53 on purpose. */
export const FIRST_TRAN_ID = 58203331886213504n;

export class BinanceEmulator {
  readonly requests: ReceivedRequest[] = [];
  /** Symbol -> margin type; a symbol absent here uses CROSSED. */
  readonly marginTypes = new Map<string, 'ISOLATED' | 'CROSSED'>();
  /** Margin loans per asset, as decimal text. */
  readonly loans = new Map<string, string>(Object.entries(DEFAULT_LOANS));
  readonly symbols = new Set<string>(DEFAULT_SYMBOLS);
  autoRepayFutures = true;
  clockSkewMs: number;
  /** TCP connections accepted so far: keep-alive shows as few connections for many requests. */
  connections = 0;

  readonly #accounts = new Map<string, { kind: ApiAccount['kind']; secret?: string; publicKey?: KeyObject }>();
  readonly #faults: Array<{ path: string; fault: Fault }> = [];
  readonly #sockets = new Set<Socket>();
  readonly #used = new Map<string, { window: number; used: number }>();
  #nextTranId = FIRST_TRAN_ID;
  readonly #record: boolean;
  readonly #enforceLimits: boolean;
  #server: Server | undefined;
  #url = '';

  private constructor(options: BinanceEmulatorOptions) {
    this.clockSkewMs = options.clockSkewMs ?? 0;
    this.#record = options.record ?? true;
    this.#enforceLimits = options.enforceLimits ?? true;
    for (const account of options.accounts) {
      this.#accounts.set(
        account.apiKey,
        account.kind === 'hmac'
          ? { kind: 'hmac', secret: account.secret }
          : { kind: account.kind, publicKey: createPublicKey(account.publicKeyPem) },
      );
    }
  }

  static async start(options: BinanceEmulatorOptions): Promise<BinanceEmulator> {
    const emulator = new BinanceEmulator(options);
    await emulator.#listen(options.port ?? 0);
    return emulator;
  }

  /** Base URL for all three families (BINANCE_SAPI_URL / _PAPI_URL / _FAPI_URL). */
  get url(): string {
    return this.#url;
  }

  serverNow(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** The next `times` requests to `path` meet `fault` instead of the normal answer. */
  failNext(path: string, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.#faults.push({ path, fault });
  }

  /** Sets a usage counter as if other clients had spent weight this window. */
  setUsed(family: EmulatedFamily, header: string, used: number): void {
    this.#used.set(`${family}:${header.toLowerCase()}`, { window: this.#window(header), used });
  }

  requestsTo(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Requests whose effect happened, to a path: what "reached Binance and executed". */
  executed(path: string): ReceivedRequest[] {
    return this.requestsTo(path).filter((request) => request.executed);
  }

  reset(): void {
    this.requests.length = 0;
    this.#faults.length = 0;
    this.#used.clear();
    this.marginTypes.clear();
    this.loans.clear();
    for (const [asset, amount] of Object.entries(DEFAULT_LOANS)) this.loans.set(asset, amount);
    this.autoRepayFutures = true;
    this.clockSkewMs = 0;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      void this.#handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ code: -1000, msg: `emulator error: ${String(error)}` }));
        }
      });
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      this.connections++;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#server = server;
    return new Promise((resolve) => {
      server.listen(port, '127.0.0.1', () => {
        this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const [path = '/', query = ''] = (request.url ?? '/').split(/\?(.*)/s, 2);
    const method = request.method ?? 'GET';
    const apiKeyHeader = request.headers['x-mbx-apikey'];
    const apiKey = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
    const { totalParams, signature } = splitSignature(query, body);
    const params = Object.fromEntries([...new URLSearchParams(query), ...new URLSearchParams(body)]);
    const family = familyOf(path);
    const record: ReceivedRequest = {
      at: Date.now(),
      hr: performance.now(),
      method,
      path,
      family,
      query,
      body,
      apiKey,
      totalParams,
      params,
      signature,
      signatureValid: signature === undefined ? undefined : this.#verify(apiKey, totalParams, signature),
      executed: false,
      status: undefined,
      code: undefined,
    };
    if (this.#record) this.requests.push(record);

    const answer = this.#answer(record, method);
    const fault = answer === undefined ? this.#takeFault(path) : undefined;
    const endpoint = ENDPOINTS[`${method} ${path}`];
    if (answer !== undefined) return this.#reply(response, record, answer);
    if (endpoint === undefined) return this.#reply(response, record, error(404, -1000, `Unknown path ${method} ${path}`));

    const weightHeaders = this.#spend(family, endpoint);
    const overLimit = this.#enforceLimits ? Object.entries(weightHeaders).find(([header, used]) => used > (LIMITS[family][header] ?? Infinity)) : undefined;
    if (overLimit !== undefined) {
      return this.#reply(response, record, {
        status: 429,
        body: JSON.stringify({ code: -1003, msg: `Too much request weight used; current limit is ${LIMITS[family][overLimit[0]]} request weight per 1 MINUTE.` }),
        headers: { 'retry-after': String(secondsToNextMinute(this.serverNow())), ...stringValues(weightHeaders) },
      });
    }

    switch (fault?.kind) {
      case 'error':
        return this.#reply(response, record, { ...error(fault.status ?? 400, fault.code, fault.msg ?? DEFAULT_MESSAGES[fault.code] ?? 'Error.'), headers: stringValues(weightHeaders) });
      case 'rate-limit':
        return this.#reply(response, record, {
          status: fault.status,
          body: JSON.stringify({
            code: -1003,
            msg: fault.status === 418 ? `Way too much request weight used; IP banned until ${this.serverNow() + fault.retryAfterS * 1000}.` : 'Too many requests.',
          }),
          headers: { 'retry-after': String(fault.retryAfterS), ...stringValues(weightHeaders) },
        });
      case 'server-error':
        record.executed = true; // A 5xx means "unknown": make it the worst case, where it did happen.
        endpoint.handle(params, this);
        return this.#reply(response, record, { status: fault.status ?? 500, body: fault.body ?? JSON.stringify({ code: -1000, msg: 'An unknown error occurred while processing the request.' }) });
      case 'drop':
        record.executed = true;
        endpoint.handle(params, this);
        request.socket.destroy();
        return;
      case 'delay': {
        const answered = this.#execute(record, endpoint, params, weightHeaders);
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        if (!request.socket.destroyed) this.#reply(response, record, answered);
        return;
      }
      case undefined:
        return this.#reply(response, record, this.#execute(record, endpoint, params, weightHeaders));
    }
  }

  /** Binance's checks before an endpoint runs; an Answer when the request fails one. */
  #answer(record: ReceivedRequest, method: string): Answer | undefined {
    const endpoint = ENDPOINTS[`${method} ${record.path}`];
    if (endpoint === undefined || !endpoint.signed) return undefined;
    if (record.apiKey === undefined || record.apiKey === '') return error(401, -2014, 'API-key format invalid.');
    if (!this.#accounts.has(record.apiKey)) return error(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    if (record.signature === undefined) return error(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const timestamp = record.params.timestamp;
    if (timestamp === undefined || !/^\d+$/.test(timestamp)) {
      return error(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    }
    const recvWindow = Number(record.params.recvWindow ?? '5000');
    if (!(recvWindow > 0) || recvWindow > 60_000) return error(400, -1131, 'recvWindow must be less than 60000');
    const serverTime = this.serverNow();
    if (Number(timestamp) >= serverTime + 1000) return error(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
    if (serverTime - Number(timestamp) > recvWindow) return error(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    if (record.signatureValid !== true) return error(400, -1022, 'Signature for this request is not valid.');
    return undefined;
  }

  #execute(record: ReceivedRequest, endpoint: EndpointSpec, params: Readonly<Record<string, string>>, weightHeaders: Record<string, number>): Answer {
    const answer = endpoint.handle(params, this);
    record.executed = answer.status === 200;
    return { ...answer, headers: { ...answer.headers, ...stringValues(weightHeaders) } };
  }

  #reply(response: ServerResponse, record: ReceivedRequest, answer: Answer): void {
    record.status = answer.status;
    const code = /"code"\s*:\s*(-\d+)/.exec(answer.body)?.[1];
    record.code = code === undefined ? undefined : Number(code);
    response.writeHead(answer.status, { 'content-type': 'application/json;charset=UTF-8', ...answer.headers });
    response.end(answer.body);
  }

  #verify(apiKey: string | undefined, payload: string, signature: string): boolean {
    const account = apiKey === undefined ? undefined : this.#accounts.get(apiKey);
    if (account === undefined) return false;
    if (account.kind === 'hmac' && account.secret !== undefined) {
      // HMAC signatures are case-insensitive on Binance.
      const expected = Buffer.from(createHmac('sha256', account.secret).update(payload).digest('hex'));
      const given = Buffer.from(signature.toLowerCase());
      return expected.length === given.length && timingSafeEqual(expected, given);
    }
    if (account.publicKey === undefined) return false;
    let decoded: Buffer;
    try {
      decoded = Buffer.from(decodeURIComponent(signature), 'base64');
    } catch {
      return false;
    }
    return verify(account.kind === 'rsa' ? 'sha256' : null, Buffer.from(payload), account.publicKey, decoded);
  }

  #takeFault(path: string): Fault | undefined {
    const index = this.#faults.findIndex((entry) => entry.path === path);
    if (index === -1) return undefined;
    const [entry] = this.#faults.splice(index, 1);
    return entry?.fault;
  }

  #spend(family: EmulatedFamily, endpoint: EndpointSpec): Record<string, number> {
    const costs: Record<string, number> =
      family === 'sapi'
        ? { 'x-sapi-used-ip-weight-1m': endpoint.weightKind === 'ip' ? endpoint.weight : 0, 'x-sapi-used-uid-weight-1m': endpoint.weightKind === 'uid' ? endpoint.weight : 0 }
        : family === 'papi'
          ? { 'x-mbx-used-weight-1m': endpoint.weightKind === 'ip' ? endpoint.weight : 1, 'x-mbx-order-count-1m': endpoint.weightKind === 'order' ? 1 : 0 }
          : { 'x-mbx-used-weight-1m': endpoint.weight };
    const headers: Record<string, number> = {};
    for (const [header, cost] of Object.entries(costs)) {
      const key = `${family}:${header}`;
      const window = this.#window(header);
      const current = this.#used.get(key);
      const used = (current?.window === window ? current.used : 0) + cost;
      this.#used.set(key, { window, used });
      headers[header] = used;
    }
    return headers;
  }

  #window(header: string): number {
    return Math.floor(this.serverNow() / (header.endsWith('10s') ? 10_000 : 60_000));
  }

  takeTranId(): string {
    const id = this.#nextTranId;
    this.#nextTranId += 1n;
    return id.toString();
  }
}

const DEFAULT_MESSAGES: Readonly<Record<number, string>> = {
  [-1021]: 'Timestamp for this request is outside of the recvWindow.',
  [-1022]: 'Signature for this request is not valid.',
  [-2014]: 'API-key format invalid.',
  [-2015]: 'Invalid API-key, IP, or permissions for action.',
  [-3015]: 'Repay amount exceeds borrow amount.',
  [-4046]: 'No need to change margin type.',
  [-4047]: 'Margin type cannot be changed if there exists open orders.',
  [-4048]: 'Margin type cannot be changed if there exists position.',
  [-1007]: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
};

function error(status: number, code: number, msg: string): Answer {
  return { status, body: JSON.stringify({ code, msg }) };
}

const ok = (body: string): Answer => ({ status: 200, body });

function required(params: Readonly<Record<string, string>>, name: string): Answer | undefined {
  const value = params[name];
  return value === undefined || value === ''
    ? error(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`)
    : undefined;
}

const ENDPOINTS: Readonly<Record<string, EndpointSpec>> = {
  'GET /api/v3/time': { method: 'GET', signed: false, weight: 1, weightKind: 'ip', handle: (_p, e) => ok(JSON.stringify({ serverTime: e.serverNow() })) },
  'GET /fapi/v1/time': { method: 'GET', signed: false, weight: 1, weightKind: 'ip', handle: (_p, e) => ok(JSON.stringify({ serverTime: e.serverNow() })) },
  'GET /api/v3/ping': { method: 'GET', signed: false, weight: 1, weightKind: 'ip', handle: () => ok('{}') },
  'GET /fapi/v1/ping': { method: 'GET', signed: false, weight: 1, weightKind: 'ip', handle: () => ok('{}') },
  'GET /papi/v1/ping': { method: 'GET', signed: false, weight: 1, weightKind: 'ip', handle: () => ok('{}') },

  'POST /sapi/v1/portfolio/repay-futures-switch': {
    method: 'POST',
    signed: true,
    weight: 1500,
    weightKind: 'ip',
    handle: (params, emulator) => {
      const missing = required(params, 'autoRepay');
      if (missing !== undefined) return missing;
      if (params.autoRepay !== 'true' && params.autoRepay !== 'false') return error(400, -1130, 'Data sent for parameter \'autoRepay\' is not valid.');
      emulator.autoRepayFutures = params.autoRepay === 'true';
      return ok('{"msg":"success"}');
    },
  },
  'POST /papi/v1/repay-futures-negative-balance': {
    method: 'POST',
    signed: true,
    weight: 750,
    weightKind: 'ip',
    handle: () => ok('{"msg":"success"}'),
  },
  'POST /papi/v1/margin/repay-debt': {
    method: 'POST',
    signed: true,
    weight: 3000,
    weightKind: 'order',
    handle: (params, emulator) => {
      const missing = required(params, 'asset');
      if (missing !== undefined) return missing;
      const asset = params.asset ?? '';
      const loan = emulator.loans.get(asset) ?? '0';
      const amount = params.amount === undefined ? loan : normaliseDecimal(params.amount);
      if (amount === undefined) return error(400, -1100, "Illegal characters found in parameter 'amount'.");
      if (compareDecimals(amount, loan) > 0) return error(400, -3015, 'Repay amount exceeds borrow amount.');
      const repayAssets = (params.specifyRepayAssets ?? asset).split(',');
      emulator.loans.set(asset, subtract(loan, amount));
      return ok(
        `{"amount":${JSON.stringify(amount)},"asset":${JSON.stringify(asset)},"specifyRepayAssets":${JSON.stringify(repayAssets)},"updateTime":${emulator.serverNow()},"success":true}`,
      );
    },
  },
  'POST /sapi/v1/portfolio/repay': {
    method: 'POST',
    signed: true,
    weight: 3000,
    weightKind: 'uid',
    handle: (params, emulator) => {
      if (params.from !== undefined && params.from !== 'SPOT' && params.from !== 'MARGIN') {
        return error(400, -1130, "Data sent for parameter 'from' is not valid.");
      }
      // Written as text: the id is above 2^53, as in the seed doc.
      return ok(`{"tranId":${emulator.takeTranId()}}`);
    },
  },
  'POST /fapi/v1/marginType': {
    method: 'POST',
    signed: true,
    weight: 1,
    weightKind: 'ip',
    handle: (params, emulator) => {
      const missing = required(params, 'symbol') ?? required(params, 'marginType');
      if (missing !== undefined) return missing;
      const symbol = params.symbol ?? '';
      if (!emulator.symbols.has(symbol)) return error(400, -1121, 'Invalid symbol.');
      const wanted = params.marginType;
      if (wanted !== 'ISOLATED' && wanted !== 'CROSSED') return error(400, -4044, 'The margin type is not valid.');
      if ((emulator.marginTypes.get(symbol) ?? 'CROSSED') === wanted) return error(400, -4046, 'No need to change margin type.');
      emulator.marginTypes.set(symbol, wanted);
      return ok('{"code":200,"msg":"success"}');
    },
  },
  'GET /fapi/v1/exchangeInfo': {
    method: 'GET',
    signed: false,
    weight: 1,
    weightKind: 'ip',
    handle: (_params, emulator) =>
      ok(
        JSON.stringify({
          timezone: 'UTC',
          serverTime: emulator.serverNow(),
          rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 }],
          symbols: [
            ...[...emulator.symbols].map((symbol) => ({
              symbol,
              pair: symbol,
              contractType: 'PERPETUAL',
              status: 'TRADING',
              baseAsset: symbol.replace(/USDT$/, ''),
              quoteAsset: 'USDT',
              marginAsset: 'USDT',
            })),
            { symbol: 'BTCUSDT_261225', pair: 'BTCUSDT', contractType: 'CURRENT_QUARTER', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', marginAsset: 'USDT' },
            { symbol: 'OLDUSDT', pair: 'OLDUSDT', contractType: 'PERPETUAL', status: 'SETTLING', baseAsset: 'OLD', quoteAsset: 'USDT', marginAsset: 'USDT' },
          ],
        }),
      ),
  },
  'GET /papi/v1/balance': {
    method: 'GET',
    signed: true,
    weight: 20,
    weightKind: 'ip',
    handle: (_params, emulator) =>
      ok(
        JSON.stringify(
          ['BTC', 'USDT', 'BNB', 'ETH'].map((asset) => ({
            asset,
            totalWalletBalance: '100.0',
            crossMarginAsset: '100.0',
            crossMarginBorrowed: emulator.loans.get(asset) ?? '0',
            crossMarginFree: '100.0',
            crossMarginInterest: '0',
            crossMarginLocked: '0',
            umWalletBalance: '0',
            umUnrealizedPNL: '0',
            cmWalletBalance: '0',
            cmUnrealizedPNL: '0',
            updateTime: emulator.serverNow(),
            negativeBalance: '0',
          })),
        ),
      ),
  },
};

function familyOf(path: string): EmulatedFamily {
  if (path.startsWith('/papi/')) return 'papi';
  if (path.startsWith('/fapi/')) return 'fapi';
  return 'sapi';
}

/** Removes `signature=…` from the query or the body; Binance verifies the rest, query then body. */
function splitSignature(query: string, body: string): { totalParams: string; signature: string | undefined } {
  let signature: string | undefined;
  const strip = (part: string): string =>
    part
      .split('&')
      .filter((pair) => {
        if (!pair.startsWith('signature=')) return true;
        signature = pair.slice('signature='.length);
        return false;
      })
      .join('&');
  return { totalParams: strip(query) + strip(body), signature };
}

function subtract(loan: string, amount: string): string {
  const scale = Math.max(decimals(loan), decimals(amount));
  const units = (text: string) => BigInt(text.replace('.', '') + '0'.repeat(scale - decimals(text)));
  const rest = units(loan) - units(amount);
  const digits = rest.toString().padStart(scale + 1, '0');
  return normaliseDecimal(scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`) ?? '0';
}

function decimals(text: string): number {
  const point = text.indexOf('.');
  return point === -1 ? 0 : text.length - point - 1;
}

function secondsToNextMinute(now: number): number {
  return Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000));
}

function stringValues(record: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, String(value)]));
}
