import { readFileSync } from 'fs';
import path from 'path';
import { projectPath } from '../../util/paths';

/** The bits of `generated/contract.json` the recorder, replay and replay-server need. */
export interface ContractInfo {
  /** `<title>@<version>`: the `spec` of session headers. */
  specName: string;
  /** The channel address, e.g. `/ws`. */
  address: string;
  /** Message types the server sends. */
  serverTypes: string[];
  /** Message types a client sends. */
  clientTypes: string[];
}

const CONTRACT_FILE = projectPath('generated', 'contract.json');
let cached: ContractInfo | undefined;

/**
 * Reads `generated/contract.json` once. Falls back to the channel `/ws` and no types when it is missing.
 *
 * @example
 * contractInfo().specName; // 'Netra Agent WebSocket@1.0.0'
 */
export function contractInfo(): ContractInfo {
  if (cached) return cached;
  let contract: {
    title?: unknown;
    version?: unknown;
    channel?: { address?: unknown } | null;
    messages?: { type?: unknown; direction?: unknown }[];
  } = {};
  try {
    contract = JSON.parse(readFileSync(CONTRACT_FILE, 'utf8'));
  } catch {
    // generated/ not there yet: the defaults below still let scenarios load and record.
  }
  const typesOf = (direction: string): string[] =>
    (contract.messages ?? [])
      .filter((m) => m.direction === direction && typeof m.type === 'string')
      .map((m) => m.type as string);
  cached = {
    specName:
      typeof contract.title === 'string' && typeof contract.version === 'string'
        ? `${contract.title}@${contract.version}`
        : 'unknown@0.0.0',
    address: typeof contract.channel?.address === 'string' ? contract.channel.address : '/ws',
    serverTypes: typesOf('send'),
    clientTypes: typesOf('receive'),
  };
  return cached;
}

/** Types that end a run. */
export const TERMINAL_TYPES: ReadonlySet<string> = new Set(['agent_completed', 'agent_error']);

/**
 * A server message that belongs to a run: it carries a `run_id` and a `seq`.
 *
 * @example
 * isRunEvent({ type: 'agent_thinking', run_id: 'run_abcdef', seq: 2 }); // true
 */
export function isRunEvent(msg: unknown): msg is { type: string; run_id: string; seq: number; [key: string]: unknown } {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  return typeof m.type === 'string' && typeof m.run_id === 'string' && typeof m.seq === 'number';
}

/**
 * The object fields of a JSON message, or undefined for anything else.
 *
 * @example
 * asRecord([1]); // undefined
 */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
