// The signed Binance client as the tests build it: HMAC-signed, every API
// family pointed at one local Binance, the bot's default window and a short
// timeout. Each test overrides only what it is about (hostLimits, a clock, a
// logger, dry-run).
import { BinanceClient, createSigner, type BinanceClientOptions } from '../../src/binance/index.ts';
import { silentLogger } from '../../src/log.ts';
import { Secret } from '../../src/secret.ts';

export interface HmacCredentials {
  readonly apiKey: string;
  readonly secret: string;
}

export function hmacClient(url: string, credentials: HmacCredentials, overrides: Partial<BinanceClientOptions> = {}): BinanceClient {
  return new BinanceClient({
    apiKey: credentials.apiKey,
    signer: createSigner({ kind: 'hmac', secret: new Secret(credentials.secret) }),
    baseUrls: { sapi: url, papi: url, fapi: url },
    recvWindowMs: 5000,
    timeoutMs: 2000,
    dryRun: false,
    log: silentLogger,
    ...overrides,
  });
}
