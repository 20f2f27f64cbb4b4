import { at } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import type { Protocol } from '../../protocol';
import type { FrameInfo } from '../model';

/**
 * A server message of a type the contract does not know, when the contract promises a tolerant reader
 * (`x-netra-tolerant-reader`): clients ignore it, so it is not a violation (schema.unknown-server-type warns).
 */
function toleratedUnknown(f: FrameInfo, protocol: Protocol): boolean {
  return protocol.tolerantReader && f.type !== undefined && !protocol.serverTypes.has(f.type);
}

/** schema.*: every frame is a message of the contract (generated validators). */
export const schemaChecks: CheckKind[] = [
  {
    kind: 'server_message_schema',
    family: 'schema',
    vars: [],
    create({ params, protocol, report }) {
      const max = params.max_errors ?? 3;
      return {
        serverFrame(f) {
          if (!f.valid && !toleratedUnknown(f, protocol)) report(at(f), describe(f, max));
        },
      };
    },
  },
  {
    kind: 'unknown_server_type',
    family: 'schema',
    vars: [],
    create({ protocol, report }) {
      return {
        serverFrame(f) {
          if (!f.valid && toleratedUnknown(f, protocol)) {
            report(at(f), {
              expected: `one of ${[...protocol.serverTypes].join(', ')} (or a new type, which clients ignore)`,
              actual: `a server message of type ${JSON.stringify(f.type)}`,
            });
          }
        },
      };
    },
  },
  {
    kind: 'client_message_schema',
    family: 'schema',
    vars: [],
    create({ params, report }) {
      const max = params.max_errors ?? 3;
      return {
        clientFrame(f) {
          if (!f.valid) report(at(f), describe(f, max));
        },
      };
    },
  },
];

function describe(f: FrameInfo, max: number): { expected: string; actual: string } {
  if (f.raw !== undefined) {
    const text = f.raw.length > 40 ? `${f.raw.slice(0, 40)}...` : f.raw;
    return { expected: 'a JSON message', actual: `text that is not JSON: ${JSON.stringify(text)}` };
  }
  if (!f.msg)
    return { expected: 'a JSON object message', actual: `a JSON ${Array.isArray(f.value) ? 'array' : typeof f.value}` };
  const expected = f.type ? `a valid ${f.type}` : 'a message with a known "type"';
  const shown = f.errors.slice(0, max).map((e) => `${e.pointer || '/'} ${e.message}`);
  const more = f.errors.length > max ? ` (+${f.errors.length - max} more)` : '';
  return { expected, actual: shown.length ? `${shown.join('; ')}${more}` : 'a schema failure' };
}
