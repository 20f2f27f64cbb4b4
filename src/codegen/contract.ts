import type { Spec, SpecChannel, SpecMessage } from '../asyncapi';
import { isRecord } from '../util/records';
import { CodegenError } from './errors';

/** The run protocol of a spec: which server messages belong to a run, which starts it and which end it. */
export interface RunProtocol {
  /** Server message types whose payload requires `run_id` and `seq`, in document order. */
  events: string[];
  /** The run event marked `x-netra-run: start`. */
  start: string;
  /** The run events marked `x-netra-run: terminal`. */
  terminals: string[];
}

/** One message of the contract. `run` says its part in a run (`null`: not a run event). */
export interface ContractMessage {
  name: string;
  type: string | null;
  direction: string;
  run: 'start' | 'event' | 'terminal' | null;
}

/** `generated/contract.json`: what the provider and the tools read at run time instead of hard-coding it. */
export interface Contract {
  title: string;
  version: string;
  asyncapi: string;
  /** `<title>@<version>`, as written in session headers. */
  spec: string;
  /** `major.minor` of `info.version`, sent as `connection_established.protocol_version`. */
  protocol_version: string;
  channel: {
    address: string;
    limits: Record<string, unknown>;
    close_codes: Record<string, string>;
    /** The channel promises that clients ignore server message types they do not know (`x-netra-tolerant-reader`). */
    tolerant_reader: boolean;
  } | null;
  messages: ContractMessage[];
  /** Absent when the spec has no run protocol (no message marked `x-netra-run: start`). */
  run: RunProtocol | null;
}

/** The channel extension by which a document promises that clients ignore server message types they do not know. */
export const TOLERANT_READER_EXTENSION = 'x-netra-tolerant-reader';

/**
 * True when the spec's channel (the one carrying `x-netra-limits`, else the first) declares the tolerant-reader
 * promise: clients hand a server message type they do not know to a handler instead of refusing it.
 *
 * @example
 * declaresTolerantReader(await loadSpec('asyncapi.yaml')); // true
 */
export function declaresTolerantReader(spec: Spec): boolean {
  return mainChannelOf(spec)?.extensions[TOLERANT_READER_EXTENSION] === true;
}

/** The channel the contract is about: the one carrying `x-netra-limits`, else the first. */
export function mainChannelOf(spec: Spec): SpecChannel | undefined {
  return spec.channels.find((c) => 'x-netra-limits' in c.extensions) ?? spec.channels[0];
}

function requiredOf(message: SpecMessage): string[] {
  const payload = message.payload;
  const required = isRecord(payload) ? payload.required : undefined;
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
}

function sendsToClient(message: SpecMessage): boolean {
  return message.direction === 'send' || message.direction === 'both';
}

/**
 * The run protocol of a spec, or null when no message is marked `x-netra-run: start`. Throws `CodegenError`
 * `RUN_PROTOCOL_INVALID` when a marked message is not a run event (its payload must require `run_id` and `seq`)
 * or a mark is neither `start` nor `terminal`.
 *
 * @example
 * runProtocolOf(await loadSpec('asyncapi.yaml'))?.terminals; // ['agent_completed', 'agent_error']
 */
export function runProtocolOf(spec: Spec): RunProtocol | null {
  const events: string[] = [];
  const starts: string[] = [];
  const terminals: string[] = [];
  for (const message of spec.messages) {
    const mark = message.extensions['x-netra-run'];
    const isEvent =
      message.type !== undefined &&
      sendsToClient(message) &&
      ['run_id', 'seq'].every((f) => requiredOf(message).includes(f));
    if (mark !== undefined && mark !== 'start' && mark !== 'terminal') {
      throw new CodegenError(
        'RUN_PROTOCOL_INVALID',
        `message '${message.name}': x-netra-run must be 'start' or 'terminal', got ${JSON.stringify(mark)}`,
      );
    }
    if (mark !== undefined && !isEvent) {
      throw new CodegenError(
        'RUN_PROTOCOL_INVALID',
        `message '${message.name}': x-netra-run marks a run event, but it is not a server message whose payload requires run_id and seq`,
      );
    }
    if (!isEvent) continue;
    events.push(message.type as string);
    if (mark === 'start') starts.push(message.type as string);
    if (mark === 'terminal') terminals.push(message.type as string);
  }
  if (starts.length === 0) return null;
  if (starts.length > 1 || terminals.length === 0) {
    throw new CodegenError(
      'RUN_PROTOCOL_INVALID',
      `a run protocol needs exactly one message marked x-netra-run: start and at least one terminal; got start [${starts.join(', ')}], terminal [${terminals.join(', ')}]`,
    );
  }
  return { events, start: starts[0], terminals };
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, text] of Object.entries(value)) if (typeof text === 'string') out[key] = text;
  return out;
}

/**
 * The contract summary of a spec: the channel carrying `x-netra-limits` (else the first channel), its close codes
 * (`x-netra-close-codes`), the messages with their part in a run, and the run protocol.
 *
 * @example
 * const contract = contractOf(await loadSpec('asyncapi.yaml'));
 * contract.channel?.limits.max_client_frame_bytes; // 65536
 */
export function contractOf(spec: Spec): Contract {
  const channel = mainChannelOf(spec);
  const limits = channel?.extensions['x-netra-limits'];
  const run = runProtocolOf(spec);
  const roleOf = (type: string | undefined): ContractMessage['run'] => {
    if (run === null || type === undefined || !run.events.includes(type)) return null;
    if (type === run.start) return 'start';
    return run.terminals.includes(type) ? 'terminal' : 'event';
  };
  const [major = '0', minor = '0'] = spec.version.split('.');
  return {
    title: spec.title,
    version: spec.version,
    asyncapi: spec.asyncapiVersion,
    spec: `${spec.title}@${spec.version}`,
    protocol_version: `${major}.${minor}`,
    channel:
      channel === undefined
        ? null
        : {
            address: channel.address,
            limits: isRecord(limits) ? limits : {},
            close_codes: stringMap(channel.extensions['x-netra-close-codes']),
            tolerant_reader: declaresTolerantReader(spec),
          },
    messages: spec.messages.map((m) => ({
      name: m.name,
      type: m.type ?? null,
      direction: m.direction,
      run: roleOf(m.type),
    })),
    run,
  };
}
