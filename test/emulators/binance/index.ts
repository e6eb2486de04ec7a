// A local HTTP server that plays Binance for tests, the demo and the benchmark.
// It serves several accounts, each with its own API key (HMAC, Ed25519 or RSA),
// its own kind of account (Portfolio Margin, Portfolio Margin Pro, USDⓈ-M
// futures), its own key permissions and its own state. It checks keys,
// timestamps and signatures exactly as Binance documents, refuses a kind's
// endpoints to another kind and a permission the key lacks as Binance does,
// answers the documented bodies of the five POSTs and of the reads that show
// their effect, sends the rate-limit headers (IP weight per host, UID and order
// counts per account), and can be told to fail: an error code, 429/418 with
// Retry-After, a 5xx, a slow answer or a dropped connection, each either after
// the call executed or before it did. Every request is recorded with what
// Binance would have done with it.
//
// Accounts declared without `accountKind` are all-products test accounts that
// serve every endpoint; the top-level state accessors (`loans`, `marginTypes`,
// `autoRepayFutures`) are the first account's, so single-account tests read as before.
import { createHmac, timingSafeEqual, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { refusal } from './access.ts';
import { EmulatedAccount, type ApiAccount, type MarginType } from './accounts.ts';
import { error } from './answers.ts';
import { FUTURES_READS, PUBLIC } from './futures.ts';
import { READS } from './reads.ts';
import type { Answer, EmulatedFamily, EndpointSpec, Fault, Market, Params, ReceivedRequest } from './types.ts';
import { LIMITS, UsageCounters } from './usage.ts';
import { WRITES } from './writes.ts';

export type { AccountKind, ApiAccount, BankruptcyRepayment, KeyPermissions, OpenOrder, RepayRecord, RepayStatus } from './accounts.ts';
export { DEFAULT_BANKRUPTCY_LOAN, DEFAULT_LOANS, DEFAULT_PERMISSIONS, EmulatedAccount } from './accounts.ts';
export type { EmulatedFamily, Fault, ReceivedRequest } from './types.ts';

export interface BinanceEmulatorOptions {
  /** At least one; the first is the one the top-level state accessors show. */
  readonly accounts: readonly ApiAccount[];
  /** Binance's clock = local clock + skew. */
  readonly clockSkewMs?: number;
  /** Answer 429 past the documented limits (default true). The benchmark turns it off; the headers still count. */
  readonly enforceLimits?: boolean;
  /** Keep every request in `requests` (default true). The benchmark turns it off to stay flat over 100k calls. */
  readonly record?: boolean;
  readonly port?: number;
}

export const DEFAULT_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'] as const;
/** The tranId of the seed doc's bankruptcy-repay answer: above 2^53 on purpose. */
export const FIRST_TRAN_ID = 58203331886213504n;
/** The first margin repay record's txId: above 2^53 too, so a reader that loses digits shows it. */
export const FIRST_TX_ID = 38920113770065921n;

const ENDPOINTS: Readonly<Record<string, EndpointSpec>> = { ...PUBLIC, ...WRITES, ...READS, ...FUTURES_READS };
const DEFAULT_SERVER_ERROR = JSON.stringify({ code: -1000, msg: 'An unknown error occurred while processing the request.' });

export class BinanceEmulator implements Market {
  readonly requests: ReceivedRequest[] = [];
  /** The listed USDⓈ-M symbols: market data, shared by every account. */
  readonly symbols = new Set<string>(DEFAULT_SYMBOLS);
  clockSkewMs: number;
  /** TCP connections accepted so far: keep-alive shows as few connections for many requests. */
  connections = 0;

  readonly #accounts = new Map<string, EmulatedAccount>();
  readonly #first: EmulatedAccount;
  readonly #faults: Array<{ path: string; fault: Fault; apiKey: string | undefined }> = [];
  readonly #sockets = new Set<Socket>();
  readonly #usage = new UsageCounters(() => this.serverNow());
  #nextTranId = FIRST_TRAN_ID;
  #nextTxId = FIRST_TX_ID;
  #nextOrderId = 8_389_765_000_001;
  readonly #record: boolean;
  readonly #enforceLimits: boolean;
  #server: Server | undefined;
  #url = '';

  private constructor(options: BinanceEmulatorOptions) {
    this.clockSkewMs = options.clockSkewMs ?? 0;
    this.#record = options.record ?? true;
    this.#enforceLimits = options.enforceLimits ?? true;
    const hooks = {
      market: this,
      failNext: (path: string, fault: Fault, times: number, apiKey: string) => this.#queueFault(path, fault, times, apiKey),
      requests: () => this.requests,
      setUsed: (family: EmulatedFamily, header: string, used: number, apiKey: string) => this.#usage.set(family, header, used, apiKey),
    };
    for (const declared of options.accounts) {
      if (this.#accounts.has(declared.apiKey)) throw new Error(`two emulated accounts share the API key ${declared.apiKey}`);
      this.#accounts.set(declared.apiKey, new EmulatedAccount(declared, hooks));
    }
    const first = this.#accounts.values().next().value;
    if (first === undefined) throw new Error('the Binance emulator needs at least one account');
    this.#first = first;
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

  /** The account behind `apiKey`: its state, seed helpers, faults and requests. */
  account(apiKey: string): EmulatedAccount {
    const account = this.#accounts.get(apiKey);
    if (account === undefined) throw new Error(`no emulated account has the API key ${apiKey}`);
    return account;
  }

  get accounts(): readonly EmulatedAccount[] {
    return [...this.#accounts.values()];
  }

  /** The first account's margin types (symbol -> type; absent means CROSSED). */
  get marginTypes(): Map<string, MarginType> {
    return this.#first.marginTypes;
  }

  /** The first account's margin loan principal per asset. */
  get loans(): Map<string, string> {
    return this.#first.loans;
  }

  get autoRepayFutures(): boolean {
    return this.#first.autoRepayFutures;
  }

  set autoRepayFutures(on: boolean) {
    this.#first.autoRepayFutures = on;
  }

  /**
   * The next `times` requests to `path`, signed with any account's key, meet `fault` (see `account(key).failNext` for one account).
   * `path` may name the method too (`POST /sapi/v1/portfolio/repay-futures-switch`) where a GET and a POST share it.
   */
  failNext(path: string, fault: Fault, times = 1): void {
    this.#queueFault(path, fault, times, undefined);
  }

  /**
   * Sets a usage counter as if other clients had spent weight this window. IP
   * counters are the host's; UID and order counters are an account's (`apiKey`,
   * the first account by default).
   */
  setUsed(family: EmulatedFamily, header: string, used: number, apiKey: string = this.#first.apiKey): void {
    this.#usage.set(family, header, used, apiKey);
  }

  /** A usage counter's value this window, as the next answer's header would start from. */
  used(family: EmulatedFamily, header: string, apiKey: string = this.#first.apiKey): number {
    return this.#usage.get(family, header, apiKey);
  }

  requestsTo(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Requests whose effect happened, to a path: what "reached Binance and executed". */
  executed(path: string): ReceivedRequest[] {
    return this.requestsTo(path).filter((request) => request.executed);
  }

  /** Forgets requests, faults and usage, and puts every account back as it was declared. */
  reset(): void {
    this.requests.length = 0;
    this.#faults.length = 0;
    this.#usage.clear();
    for (const account of this.#accounts.values()) account.reset();
    this.clockSkewMs = 0;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  takeTranId(): string {
    const id = this.#nextTranId;
    this.#nextTranId += 1n;
    return id.toString();
  }

  takeTxId(): string {
    const id = this.#nextTxId;
    this.#nextTxId += 1n;
    return id.toString();
  }

  takeOrderId(): number {
    return this.#nextOrderId++;
  }

  #queueFault(path: string, fault: Fault, times: number, apiKey: string | undefined): void {
    for (let i = 0; i < times; i++) this.#faults.push({ path, fault, apiKey });
  }

  #listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      void this.#handle(request, response).catch((failure: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ code: -1000, msg: `emulator error: ${String(failure)}` }));
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
    // Binance: "If a parameter sent in both the query string and request body, the query string parameter will be used."
    const params: Params = Object.fromEntries([...new URLSearchParams(body), ...new URLSearchParams(query)]);
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

    const endpoint = ENDPOINTS[`${method} ${path}`];
    if (endpoint === undefined) return this.#reply(response, record, error(404, -1000, `Unknown path ${method} ${path}`));
    let account: EmulatedAccount | undefined;
    let handle: () => Answer;
    if (endpoint.signed) {
      const authenticated = this.#authenticate(record);
      if (!(authenticated instanceof EmulatedAccount)) return this.#reply(response, record, authenticated);
      const refused = refusal(authenticated, endpoint);
      if (refused !== undefined) return this.#reply(response, record, refused);
      account = authenticated;
      handle = () => endpoint.handle(params, authenticated, this);
    } else {
      handle = () => endpoint.handle(params, this);
    }

    const fault = this.#takeFault(method, path, apiKey);
    const weight = typeof endpoint.weight === 'number' ? endpoint.weight : endpoint.weight(params);
    const usage = stringValues(this.#usage.spend(family, weight, endpoint.weightKind, account?.apiKey));
    const overLimit = this.#enforceLimits ? Object.entries(usage).find(([header, used]) => Number(used) > (LIMITS[family][header] ?? Infinity)) : undefined;
    if (overLimit !== undefined) {
      return this.#reply(response, record, {
        ...error(429, -1003, `Too much request weight used; current limit is ${LIMITS[family][overLimit[0]]} request weight per 1 MINUTE.`),
        headers: { 'retry-after': String(secondsToNextMinute(this.serverNow())), ...usage },
      });
    }

    const run = (): Answer => {
      const answer = handle();
      // Only a 200 changed anything: a refusal inside the handler means nothing happened.
      record.executed = answer.status === 200;
      return { ...answer, headers: { ...answer.headers, ...usage } };
    };

    switch (fault?.kind) {
      case 'error':
        return this.#reply(response, record, { ...error(fault.status ?? 400, fault.code, fault.msg), headers: usage });
      case 'rate-limit':
        return this.#reply(response, record, {
          ...error(fault.status, -1003, fault.status === 418 ? `Way too much request weight used; IP banned until ${this.serverNow() + fault.retryAfterS * 1000}.` : 'Too many requests.'),
          headers: { 'retry-after': String(fault.retryAfterS), ...usage },
        });
      case 'server-error':
        // A 5xx means "unknown": by default the worst case, where it did happen.
        if (fault.executed !== false) run();
        return this.#reply(response, record, { status: fault.status ?? 500, body: fault.body ?? DEFAULT_SERVER_ERROR });
      case 'drop':
        if (fault.executed !== false) run();
        request.socket.destroy();
        return;
      case 'false-success':
        return this.#reply(response, record, { status: 200, body: fault.body, headers: usage });
      case 'delay': {
        const answered = fault.executed === false ? { ...error(408, -1007), headers: usage } : run();
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        if (!request.socket.destroyed) this.#reply(response, record, answered);
        return;
      }
      case undefined:
        return this.#reply(response, record, run());
    }
  }

  /** Binance's checks before a signed endpoint runs: the account, or the answer to a request that fails one. */
  #authenticate(record: ReceivedRequest): EmulatedAccount | Answer {
    if (record.apiKey === undefined || record.apiKey === '') return error(401, -2014);
    const account = this.#accounts.get(record.apiKey);
    if (account === undefined) return error(401, -2015);
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
    if (record.signatureValid !== true) return error(400, -1022);
    return account;
  }

  #reply(response: ServerResponse, record: ReceivedRequest, answer: Answer): void {
    record.status = answer.status;
    const code = answer.status === 200 ? undefined : /"code"\s*:\s*(-?\d+)/.exec(answer.body)?.[1];
    record.code = code === undefined ? undefined : Number(code);
    response.writeHead(answer.status, { 'content-type': 'application/json;charset=UTF-8', ...answer.headers });
    response.end(answer.body);
  }

  #verify(apiKey: string | undefined, payload: string, signature: string): boolean {
    const account = apiKey === undefined ? undefined : this.#accounts.get(apiKey);
    if (account === undefined) return false;
    const key = account.signing;
    if (key.kind === 'hmac') {
      // HMAC signatures are case-insensitive on Binance.
      const expected = Buffer.from(createHmac('sha256', key.secret).update(payload).digest('hex'));
      const given = Buffer.from(signature.toLowerCase());
      return expected.length === given.length && timingSafeEqual(expected, given);
    }
    let decoded: Buffer;
    try {
      decoded = Buffer.from(decodeURIComponent(signature), 'base64');
    } catch {
      return false;
    }
    return verify(key.kind === 'rsa' ? 'sha256' : null, Buffer.from(payload), key.publicKey, decoded);
  }

  /** The first fault queued for `path` (or `METHOD path`) that applies to this key (an any-account fault, or this account's). */
  #takeFault(method: string, path: string, apiKey: string | undefined): Fault | undefined {
    const index = this.#faults.findIndex((entry) => (entry.path === path || entry.path === `${method} ${path}`) && (entry.apiKey === undefined || entry.apiKey === apiKey));
    if (index === -1) return undefined;
    const [entry] = this.#faults.splice(index, 1);
    return entry?.fault;
  }
}

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

function secondsToNextMinute(now: number): number {
  return Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000));
}

function stringValues(record: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, String(value)]));
}
