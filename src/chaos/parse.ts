import { ChaosError } from './errors';
import { resolveToxic, type ResolvedToxic, type Toxic, type ToxicStream } from './toxics';

// CLI key -> Toxic field, per kind. Aliases keep the syntax forgiving without making it ambiguous.
const keysByKind: Record<Toxic['kind'], Record<string, string>> = {
  latency: { ms: 'ms', latency: 'ms', jitter: 'jitterMs' },
  bandwidth: { bps: 'bytesPerSecond', rate: 'bytesPerSecond' },
  reset: { rate: 'ratePerSecond', probability: 'probability', p: 'probability', after: 'afterBytes' },
  stall: { after: 'afterBytes', every: 'everyMs', duration: 'durationMs' },
  slicer: { size: 'averageSize', variation: 'sizeVariation', delay: 'delayMs' },
};

const streamAliases: Record<string, ToxicStream> = {
  up: 'upstream',
  upstream: 'upstream',
  down: 'downstream',
  downstream: 'downstream',
  both: 'both',
};

function bad(spec: string, message: string): never {
  throw new ChaosError('BAD_TOXIC', `toxic '${spec}': ${message}`);
}

function parseNumber(spec: string, key: string, text: string): number {
  if (/^(inf|infinity|forever)$/i.test(text)) return Infinity;
  // Optional binary suffix for sizes and rates: 64k = 65536, 1m = 1048576.
  const match = /^(\d+(?:\.\d+)?|\.\d+)([kKmM]?)$/.exec(text);
  if (!match) bad(spec, `${key}='${text}' is not a non-negative number`);
  const scale = match[2] === '' ? 1 : match[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024;
  return Number(match[1]) * scale;
}

/**
 * Parses the CLI toxic syntax `kind[:key=value,...]` into a validated toxic.
 *
 * Keys: latency `ms`, `jitter`; bandwidth `bps` (bytes/s, `64k` = 65536); reset `rate` (per s), `probability`/`p`,
 * `after` (bytes); stall `after` (bytes), `every` (ms), `duration` (ms, or `inf`); slicer `size`, `variation`, `delay`
 * (ms). Every kind also takes `stream=up|upstream|down|downstream|both` and `name=<id>`.
 * Throws ChaosError BAD_TOXIC with the reason.
 *
 * @example
 * parseToxic('latency:ms=100,jitter=20');          // { kind: 'latency', ms: 100, jitterMs: 20, ... }
 * parseToxic('bandwidth:bps=64k,stream=both');     // { kind: 'bandwidth', bytesPerSecond: 65536, stream: 'both', ... }
 * parseToxic('stall:every=5000,duration=1000');
 */
export function parseToxic(spec: string): ResolvedToxic {
  if (typeof spec !== 'string') throw new ChaosError('BAD_TOXIC', 'toxic spec must be a string');
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const kind = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim().toLowerCase();
  if (!(kind in keysByKind)) {
    bad(spec, `unknown kind '${kind}' (expected one of ${Object.keys(keysByKind).join(', ')})`);
  }
  const keys = keysByKind[kind as Toxic['kind']];
  const toxic: Record<string, unknown> = { kind };
  const seen = new Set<string>();
  const body = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
  if (colon >= 0 && body === '') bad(spec, "nothing after ':'");
  for (const part of body === '' ? [] : body.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) bad(spec, `'${part.trim()}' is not key=value`);
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (value === '') bad(spec, `${key} has no value`);
    const field = key === 'stream' || key === 'name' ? key : keys[key];
    if (field === undefined) {
      bad(spec, `unknown key '${key}' for ${kind} (keys: ${[...Object.keys(keys), 'stream', 'name'].join(', ')})`);
    }
    if (seen.has(field)) bad(spec, `${key} given twice`);
    seen.add(field);
    if (field === 'name') {
      toxic.name = value;
    } else if (field === 'stream') {
      const stream = streamAliases[value.toLowerCase()];
      if (stream === undefined) bad(spec, `stream='${value}' (expected up, down or both)`);
      toxic.stream = stream;
    } else {
      toxic[field] = parseNumber(spec, key, value);
    }
  }
  try {
    return resolveToxic(toxic as unknown as Toxic);
  } catch (err) {
    // Re-word with the spec the user typed, keeping the field-level reason.
    if (err instanceof ChaosError) bad(spec, err.message.replace(/^toxic '[^']*': /, ''));
    throw err;
  }
}
