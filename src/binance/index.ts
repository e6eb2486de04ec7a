// The Binance layer's public face: the client, its request and outcome types.
// It knows nothing of Discord.
export { describeError } from './answers.ts';
export { explainOutcome } from './explanations.ts';
export { BinanceClient, type BinanceClientOptions, type ExecuteHooks, type FamilyHealth } from './client.ts';
export { familyClocks, type FamilyClocks } from './clock.ts';
export { FAMILIES, FAMILY_SPECS, type Family, type Weight, type WeightKind } from './families.ts';
export { HostLimits, type HostBan, type HostLimitsOptions, type LimitOverrides, type SharedBanState } from './host-limits.ts';
export { parseJsonLossless, type JsonValue } from './json.ts';
export type { BinanceOutcome, BinanceRequest, HttpMethod, OutcomeKind, OutcomeWhy, RequestRecord } from './outcome.ts';
export { createSigner, encodeParams, type Signer } from './signing.ts';
export { ACCOUNT_KINDS, checkKey, KEY_PERMISSIONS, keyRisks, keyWarnings, supportedKinds, type AccountKind, type KeyPermission, type KeyPermissions, type KeyReport, type KindProbe } from './key-check.ts';
export { READ_CACHE_MS, READ_SHARE, StateReader, type ReadRequest, type ReadResult, type StateReaderOptions } from './reads.ts';
