import contractJson from '../../generated/contract.json';

/**
 * The channel limits the provider enforces, read from `generated/contract.json` (the channel's `x-netra-limits` in
 * asyncapi.yaml). The provider never hard-codes them.
 */
export interface ChannelLimits {
  max_client_frame_bytes: number;
  max_server_frame_bytes: number;
  max_json_depth: number;
  client_frames_per_second: number;
  client_frames_burst: number;
  heartbeat_interval_ms: number;
}

interface ContractFile {
  title: string;
  version: string;
  channel: { address: string; limits: Partial<ChannelLimits> & Record<string, unknown> };
}

const contract = contractJson as unknown as ContractFile;

const required: (keyof ChannelLimits)[] = [
  'max_client_frame_bytes',
  'max_server_frame_bytes',
  'max_json_depth',
  'client_frames_per_second',
  'client_frames_burst',
  'heartbeat_interval_ms',
];

/**
 * The contract's channel limits, checked once: a missing limit is a codegen problem, reported loudly.
 *
 * @example
 * contractLimits().max_client_frame_bytes; // 65536
 */
export function contractLimits(): ChannelLimits {
  const limits = contract.channel?.limits ?? {};
  for (const key of required) {
    if (typeof limits[key] !== 'number') {
      throw new Error(`generated/contract.json: channel.limits.${key} is missing; run 'netra-contracts generate'`);
    }
  }
  return limits as ChannelLimits;
}

/** The WebSocket path of the channel, e.g. `/ws`. */
export function channelPath(): string {
  return contract.channel?.address ?? '/ws';
}

/** `major.minor` of the contract's `info.version`, sent as `connection_established.protocol_version`. */
export function protocolVersion(): string {
  const [major = '1', minor = '0'] = String(contract.version ?? '1.0.0').split('.');
  return `${major}.${minor}`;
}

/** `<title>@<version>` of the contract, for logs. */
export function contractName(): string {
  return `${contract.title}@${contract.version}`;
}
