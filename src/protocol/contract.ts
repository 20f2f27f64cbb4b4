import { readFileSync } from 'node:fs';
import { isRecord } from '../util/records';
import { projectPath } from '../util/paths';
import { ProtocolError } from './errors';
import type { ChannelLimits, Protocol, RunEventLike } from './types';

/** Where codegen writes the contract summary. */
export const CONTRACT_FILE = projectPath('generated', 'contract.json');

const REQUIRED_LIMITS = [
  'max_client_frame_bytes',
  'max_server_frame_bytes',
  'max_json_depth',
  'client_frames_per_second',
  'client_frames_burst',
  'heartbeat_interval_ms',
] as const;

const cache = new Map<string, Protocol>();

function invalid(file: string, what: string): never {
  throw new ProtocolError('CONTRACT_INVALID', `${file}: ${what}; run 'netra-contracts generate'`);
}

function stringList(file: string, value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    invalid(file, `${what} must be a list of strings`);
  return value as string[];
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProtocolError('CONTRACT_MISSING', `${file}: cannot read it; run 'netra-contracts generate' first`, {
      cause: err,
    });
  }
  try {
    const json: unknown = JSON.parse(text);
    if (isRecord(json)) return json;
  } catch {
    // reported below
  }
  return invalid(file, 'not a JSON object');
}

function limitsOf(file: string, channel: Record<string, unknown>): ChannelLimits {
  const limits = isRecord(channel.limits) ? channel.limits : invalid(file, 'channel.limits is missing');
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(limits)) if (typeof value === 'number') out[name] = value;
  for (const name of REQUIRED_LIMITS)
    if (typeof out[name] !== 'number') invalid(file, `channel.limits.${name} is missing`);
  return out as ChannelLimits;
}

function closeCodesOf(channel: Record<string, unknown>): Map<number, string> {
  const codes = new Map<number, string>();
  if (isRecord(channel.close_codes)) {
    for (const [code, text] of Object.entries(channel.close_codes))
      if (typeof text === 'string') codes.set(Number(code), text);
  }
  return codes;
}

function build(file: string, json: Record<string, unknown>): Protocol {
  const { title, version } = json;
  if (typeof title !== 'string' || typeof version !== 'string') invalid(file, 'title and version must be strings');
  const channel = isRecord(json.channel) ? json.channel : invalid(file, 'channel is missing');
  const run = isRecord(json.run) ? json.run : invalid(file, 'run (the run protocol, x-netra-run) is missing');
  const messages = Array.isArray(json.messages) ? json.messages.filter(isRecord) : invalid(file, 'messages is missing');
  const typesOf = (direction: string): Set<string> =>
    new Set(
      messages
        .filter((m) => m.direction === direction || m.direction === 'both')
        .flatMap((m) => (typeof m.type === 'string' ? [m.type] : [])),
    );
  const runEventTypes = new Set(stringList(file, run.events, 'run.events'));
  const terminalTypes = new Set(stringList(file, run.terminals, 'run.terminals'));
  const startType = typeof run.start === 'string' ? run.start : invalid(file, 'run.start must be a string');
  const [major = '0', minor = '0'] = version.split('.');
  return {
    tolerantReader: channel.tolerant_reader === true,
    title,
    version,
    specName: `${title}@${version}`,
    protocolVersion: typeof json.protocol_version === 'string' ? json.protocol_version : `${major}.${minor}`,
    address: typeof channel.address === 'string' ? channel.address : invalid(file, 'channel.address must be a string'),
    limits: limitsOf(file, channel),
    closeCodes: closeCodesOf(channel),
    serverTypes: typesOf('send'),
    clientTypes: typesOf('receive'),
    runEventTypes,
    startType,
    terminalTypes,
    isRunEvent(msg: unknown): msg is RunEventLike {
      if (typeof msg !== 'object' || msg === null) return false;
      const m = msg as Record<string, unknown>;
      return (
        typeof m.type === 'string' &&
        runEventTypes.has(m.type) &&
        typeof m.run_id === 'string' &&
        typeof m.seq === 'number'
      );
    },
    isTerminal: (type: unknown): boolean => typeof type === 'string' && terminalTypes.has(type),
  };
}

/**
 * The protocol as generated from asyncapi.yaml, read once per file from `generated/contract.json`. Never falls back
 * to defaults: throws `ProtocolError` `CONTRACT_MISSING` or `CONTRACT_INVALID` (exit 2) instead.
 *
 * @example
 * const p = loadProtocol();
 * p.terminalTypes.has('agent_error'); // true
 * p.limits.max_client_frame_bytes; // 65536
 */
export function loadProtocol(file: string = CONTRACT_FILE): Protocol {
  const known = cache.get(file);
  if (known !== undefined) return known;
  const protocol = build(file, readJson(file));
  cache.set(file, protocol);
  return protocol;
}
