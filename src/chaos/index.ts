/**
 * Chaos: a small TCP fault-injection proxy (our own Toxiproxy) for loopback traffic, e.g. between clients and the
 * provider or between the provider and the auth service. Used from tests and from `netra-contracts chaos`.
 */
export { startFaultProxy } from './proxy';
export type { FaultProxy, FaultProxyOptions, FaultProxyStats } from './proxy';
export { parseToxic } from './parse';
export { resolveToxic, resolveToxics } from './toxics';
export type {
  BandwidthToxic,
  LatencyToxic,
  ResetToxic,
  ResolvedToxic,
  SlicerToxic,
  StallToxic,
  Toxic,
  ToxicStream,
} from './toxics';
export { ChaosError } from './errors';
export type { ChaosErrorCode } from './errors';
export type { ChaosEvent, ChaosLogger, CloseReason } from './events';
export { isLoopbackHost, parseHostPort } from './address';
