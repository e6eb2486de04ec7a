// The Binance layer's public face: the client, its request and outcome types.
// It knows nothing of Discord.
export { describeError } from './answers.ts';
export { BinanceClient, type BinanceClientOptions, type ExecuteHooks, type FamilyHealth } from './client.ts';
export { FAMILIES, FAMILY_SPECS, type Family, type Weight, type WeightKind } from './families.ts';
export { HostLimits, type HostBan, type HostLimitsOptions, type LimitOverrides, type SharedBanState } from './host-limits.ts';
export { parseJsonLossless, type JsonValue } from './json.ts';
export type { BinanceOutcome, BinanceRequest, HttpMethod, OutcomeKind, RequestRecord } from './outcome.ts';
export { createSigner, encodeParams, type Signer } from './signing.ts';
export { READ_CACHE_MS, READ_SHARE, StateReader, type ReadRequest, type ReadResult, type StateReaderOptions } from './reads.ts';
