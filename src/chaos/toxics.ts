import { ChaosError } from './errors';

/**
 * Which direction a toxic acts on: 'upstream' = client -> upstream server, 'downstream' = upstream server -> client.
 * The default is 'downstream' (as in Toxiproxy).
 */
export type ToxicStream = 'upstream' | 'downstream' | 'both';

interface ToxicBase {
  /** Unique within a proxy; defaults to `<kind>_<stream>`. */
  name?: string;
  stream?: ToxicStream;
}

/** Delays every chunk by `ms` ± `jitterMs` (uniform, clamped at 0) from when it was read. Never reorders bytes. */
export interface LatencyToxic extends ToxicBase {
  kind: 'latency';
  ms: number;
  jitterMs?: number;
}

/** Limits throughput to `bytesPerSecond`: data goes out in pieces of at most 1/20 s worth, each followed by a pause. */
export interface BandwidthToxic extends ToxicBase {
  kind: 'bandwidth';
  bytesPerSecond: number;
}

/**
 * Resets the connection (TCP RST to both the client and the upstream) when the first trigger fires:
 * - `afterBytes`: once this many bytes have been forwarded in the stream and more data would follow;
 * - `probability`: each chunk read in the stream resets the connection instead of being forwarded, with this chance;
 * - `ratePerSecond`: each connection lives an exponentially distributed time (mean 1/rate s), then is reset,
 *   whether or not data flows (the stream is irrelevant for this trigger).
 * With no trigger given, `afterBytes` is 0: the first data in the stream resets the connection.
 * Bytes forwarded just before a reset may be discarded by the receiver's kernel, as with any real RST.
 */
export interface ResetToxic extends ToxicBase {
  kind: 'reset';
  ratePerSecond?: number;
  probability?: number;
  afterBytes?: number;
}

/**
 * Stops forwarding in the stream for `durationMs`; data read meanwhile is held (the reader is paused when the hold
 * grows) and delivered, in order, when the stall ends. `durationMs: Infinity` stalls until the toxic is removed.
 * - one-shot (default): the stall starts once `afterBytes` (default 0) bytes have been forwarded and more data waits;
 * - periodic (`everyMs`): stalls during [k*everyMs, k*everyMs + durationMs) after the connection opened, k = 1, 2, ...
 *   (`durationMs` must be finite and below `everyMs`; `afterBytes` is not allowed with `everyMs`).
 */
export interface StallToxic extends ToxicBase {
  kind: 'stall';
  afterBytes?: number;
  everyMs?: number;
  durationMs: number;
}

/**
 * Splits data into small writes of `averageSize` ± `sizeVariation` bytes (uniform) with `delayMs` between writes,
 * on a socket with Nagle disabled, so the peer sees many small TCP segments.
 */
export interface SlicerToxic extends ToxicBase {
  kind: 'slicer';
  averageSize: number;
  sizeVariation?: number;
  delayMs?: number;
}

/** A fault to inject, as given by callers (optional fields may be left out). */
export type Toxic = LatencyToxic | BandwidthToxic | ResetToxic | StallToxic | SlicerToxic;

/** A validated toxic with its defaults filled in (what a proxy holds and reports). */
export type ResolvedToxic = Toxic & { name: string; stream: ToxicStream };

export const toxicKinds = ['latency', 'bandwidth', 'reset', 'stall', 'slicer'] as const;
const streams: readonly ToxicStream[] = ['upstream', 'downstream', 'both'];

const fieldsByKind: Record<Toxic['kind'], readonly string[]> = {
  latency: ['ms', 'jitterMs'],
  bandwidth: ['bytesPerSecond'],
  reset: ['ratePerSecond', 'probability', 'afterBytes'],
  stall: ['afterBytes', 'everyMs', 'durationMs'],
  slicer: ['averageSize', 'sizeVariation', 'delayMs'],
};

function bad(name: string, message: string): never {
  throw new ChaosError('BAD_TOXIC', `toxic '${name}': ${message}`);
}

type NumberRule = {
  required?: boolean;
  integer?: boolean;
  min?: number;
  above?: number;
  max?: number;
  infinite?: boolean;
};

function checkNumber(name: string, field: string, value: unknown, rule: NumberRule): void {
  if (value === undefined) {
    if (rule.required) bad(name, `${field} is required`);
    return;
  }
  if (typeof value !== 'number' || Number.isNaN(value)) bad(name, `${field} must be a number`);
  if (value === Infinity && rule.infinite) return;
  if (!Number.isFinite(value)) bad(name, `${field} must be finite`);
  if (rule.integer && !Number.isInteger(value)) bad(name, `${field} must be an integer`);
  if (rule.min !== undefined && value < rule.min) bad(name, `${field} must be >= ${rule.min}`);
  if (rule.above !== undefined && value <= rule.above) bad(name, `${field} must be > ${rule.above}`);
  if (rule.max !== undefined && value > rule.max) bad(name, `${field} must be <= ${rule.max}`);
}

/**
 * Validates one toxic and fills in `name` and `stream`. Unknown kinds, unknown fields and out-of-range values
 * throw ChaosError BAD_TOXIC.
 *
 * @example
 * resolveToxic({ kind: 'latency', ms: 100 });
 * // { kind: 'latency', name: 'latency_downstream', stream: 'downstream', ms: 100, jitterMs: 0 }
 */
export function resolveToxic(input: Toxic): ResolvedToxic {
  if (typeof input !== 'object' || input === null) bad('?', 'must be an object');
  const kind = (input as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(toxicKinds as readonly string[]).includes(kind)) {
    bad(String(input.name ?? '?'), `unknown kind '${String(kind)}' (expected one of ${toxicKinds.join(', ')})`);
  }
  const stream = input.stream ?? 'downstream';
  const name = input.name ?? `${kind}_${String(stream)}`;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
    bad(String(name), 'name must be 1-64 characters of A-Z a-z 0-9 _ . -');
  }
  if (!streams.includes(stream)) bad(name, `stream must be one of ${streams.join(', ')}`);
  for (const key of Object.keys(input)) {
    if (key !== 'kind' && key !== 'name' && key !== 'stream' && !fieldsByKind[input.kind].includes(key)) {
      bad(name, `unknown field '${key}' for kind '${kind}' (fields: ${fieldsByKind[input.kind].join(', ')})`);
    }
  }
  switch (input.kind) {
    case 'latency':
      checkNumber(name, 'ms', input.ms, { required: true, min: 0 });
      checkNumber(name, 'jitterMs', input.jitterMs, { min: 0 });
      return { kind: 'latency', name, stream, ms: input.ms, jitterMs: input.jitterMs ?? 0 };
    case 'bandwidth':
      checkNumber(name, 'bytesPerSecond', input.bytesPerSecond, { required: true, above: 0 });
      return { kind: 'bandwidth', name, stream, bytesPerSecond: input.bytesPerSecond };
    case 'reset': {
      checkNumber(name, 'ratePerSecond', input.ratePerSecond, { above: 0 });
      checkNumber(name, 'probability', input.probability, { min: 0, max: 1 });
      checkNumber(name, 'afterBytes', input.afterBytes, { integer: true, min: 0 });
      const noTrigger = input.ratePerSecond === undefined && input.probability === undefined;
      const resolved: ResolvedToxic = { kind: 'reset', name, stream };
      if (input.ratePerSecond !== undefined) resolved.ratePerSecond = input.ratePerSecond;
      if (input.probability !== undefined) resolved.probability = input.probability;
      if (input.afterBytes !== undefined || noTrigger) resolved.afterBytes = input.afterBytes ?? 0;
      return resolved;
    }
    case 'stall': {
      checkNumber(name, 'durationMs', input.durationMs, {
        required: true,
        above: 0,
        infinite: input.everyMs === undefined,
      });
      checkNumber(name, 'afterBytes', input.afterBytes, { integer: true, min: 0 });
      checkNumber(name, 'everyMs', input.everyMs, { above: 0 });
      if (input.everyMs !== undefined) {
        if (input.afterBytes !== undefined) bad(name, 'afterBytes and everyMs cannot be combined');
        if (input.durationMs >= input.everyMs) bad(name, 'durationMs must be below everyMs');
        return { kind: 'stall', name, stream, everyMs: input.everyMs, durationMs: input.durationMs };
      }
      return { kind: 'stall', name, stream, afterBytes: input.afterBytes ?? 0, durationMs: input.durationMs };
    }
    case 'slicer': {
      checkNumber(name, 'averageSize', input.averageSize, { required: true, integer: true, min: 1 });
      checkNumber(name, 'sizeVariation', input.sizeVariation, { integer: true, min: 0 });
      checkNumber(name, 'delayMs', input.delayMs, { min: 0 });
      const sizeVariation = input.sizeVariation ?? 0;
      if (sizeVariation >= input.averageSize) bad(name, 'sizeVariation must be below averageSize');
      return {
        kind: 'slicer',
        name,
        stream,
        averageSize: input.averageSize,
        sizeVariation,
        delayMs: input.delayMs ?? 0,
      };
    }
  }
}

/**
 * Validates a whole toxic list: each toxic via {@link resolveToxic}, and names must be unique.
 *
 * @example
 * resolveToxics([{ kind: 'latency', ms: 50, stream: 'both' }, { kind: 'slicer', averageSize: 16 }]);
 */
export function resolveToxics(inputs: readonly Toxic[]): ResolvedToxic[] {
  if (!Array.isArray(inputs)) throw new ChaosError('BAD_TOXIC', 'toxics must be an array');
  const resolved = inputs.map(resolveToxic);
  const seen = new Set<string>();
  for (const toxic of resolved) {
    if (seen.has(toxic.name)) bad(toxic.name, 'duplicate name (give one of them an explicit name)');
    seen.add(toxic.name);
  }
  return resolved;
}

/** True when the toxic acts on data flowing in `direction`. */
export function appliesTo(toxic: ResolvedToxic, direction: 'upstream' | 'downstream'): boolean {
  return toxic.stream === 'both' || toxic.stream === direction;
}
