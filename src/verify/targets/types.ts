import type { TokenSource } from '../auth/types';

/** Hard caps a target sets for load against it (the load tool obeys them). */
export interface TargetLimits {
  maxUsers?: number;
  maxDurationS?: number;
}

/**
 * A provider to verify: one entry of the targets file (`netra-contracts.targets.yaml`), or the `--url/--auth-url`
 * shorthand for a loopback target with `auth: {kind: dev}`, or the embedded reference provider.
 */
export interface Target {
  name: string;
  /** `ws://` or `wss://` URL of the channel (the first of `urls`). */
  url: string;
  /** Every node of the target (a cluster behind several URLs); `urls[0] === url`. */
  urls: string[];
  /** True when any URL's host is not loopback; required to be declared in the targets file. */
  remote: boolean;
  /** Timing profile (`contracts/profiles.yaml`) the target is judged with; the tool's default when absent. */
  profile?: string;
  /** Extra handshake headers (e.g. `Origin`) for proxies and gateways. */
  headers: Record<string, string>;
  /** CA bundle for `wss://` with a private CA. */
  caFile?: string;
  limits: TargetLimits;
  /**
   * The clock leeway (seconds) the provider grants on `exp`/`nbf`: scenarios that need a token to expire choose
   * lifetimes and waits past it. Default 5 when the target does not say.
   */
  clockLeewayS: number;
  auth: TokenSource;
}
