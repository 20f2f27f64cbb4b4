import type { Spec } from '../asyncapi';

/** `generated/contract.json`: what the provider and the tools read at run time instead of hard-coding it. */
export interface Contract {
  title: string;
  version: string;
  asyncapi: string;
  channel: { address: string; limits: Record<string, unknown> } | null;
  messages: { name: string; type: string | null; direction: string }[];
}

/**
 * The contract summary of a spec: the channel carrying `x-netra-limits` (else the first channel) and the messages.
 *
 * @example
 * const contract = contractOf(await loadSpec('asyncapi.yaml'));
 * contract.channel?.limits.max_client_frame_bytes; // 65536
 */
export function contractOf(spec: Spec): Contract {
  const channel = spec.channels.find((c) => 'x-netra-limits' in c.extensions) ?? spec.channels[0];
  const limits = channel?.extensions['x-netra-limits'];
  return {
    title: spec.title,
    version: spec.version,
    asyncapi: spec.asyncapiVersion,
    channel:
      channel === undefined
        ? null
        : {
            address: channel.address,
            limits:
              typeof limits === 'object' && limits !== null && !Array.isArray(limits)
                ? (limits as Record<string, unknown>)
                : {},
          },
    messages: spec.messages.map((m) => ({ name: m.name, type: m.type ?? null, direction: m.direction })),
  };
}
