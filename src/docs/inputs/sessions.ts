import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { REDACTED, visitSessionText, type FrameRecord } from '../../sessions';
import type { Spec, SpecMessage } from '../../asyncapi';
import { resolvePointer } from '../../util/json-pointer';

// Examples come from recorded sessions, never from our pen: for each message, the first frame of its type in the
// sorted session files that is valid under the message's schema (a negative scenario's broken frame is not an
// example). Values the recorder redacted (tokens) are the one tolerated difference.

/** A frame taken from a recorded session. */
export interface RecordedExample {
  /** Session file as shown on the page. */
  file: string;
  /** 1-based line of the frame in that file. */
  line: number;
  scenario?: string;
  payload: unknown;
  /** JSON pointers of values the recorder redacted (and which therefore do not match the schema). */
  redacted: string[];
}

export interface RecordedExamples {
  /** By message name. */
  byMessage: Map<string, RecordedExample>;
  /** Session files read. */
  files: string[];
  /** Session files skipped because they were recorded against another contract (by their header's `spec`). */
  otherContract: string[];
}

/** Stops the scan of a file once nothing more is wanted from it. */
class StopScan extends Error {}

/** Frame direction a message travels in: `send` is what the described application (our server) sends. */
function directionOf(message: SpecMessage): FrameRecord['dir'] | undefined {
  if (message.direction === 'send') return 's2c';
  if (message.direction === 'receive') return 'c2s';
  return undefined;
}

/**
 * Picks, for every message of `spec` with a `type`, the first valid frame of that type in `dir`'s
 * `*.session.jsonl` files (sorted by name). Files recorded against another contract title are skipped. A missing
 * folder gives no examples. A malformed session file throws `SessionError` (exit 2).
 *
 * @example
 * const { byMessage } = pickRecordedExamples(spec, 'contracts/sessions', (f) => path.relative(process.cwd(), f));
 * byMessage.get('agent_started'); // { file: 'contracts/sessions/happy.session.jsonl', line: 4, payload: {...} }
 */
export function pickRecordedExamples(spec: Spec, dir: string, displayOf: (file: string) => string): RecordedExamples {
  const result: RecordedExamples = { byMessage: new Map(), files: [], otherContract: [] };
  if (!existsSync(dir)) return result;
  const wanted = new Map<string, SpecMessage>();
  for (const m of spec.messages) if (m.type !== undefined && !wanted.has(m.type)) wanted.set(m.type, m);
  if (wanted.size === 0) return result;

  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, logger: false });
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction | null>();
  const validatorOf = (message: SpecMessage): ValidateFunction | null => {
    if (!validators.has(message.name)) {
      try {
        validators.set(
          message.name,
          ajv.compile(typeof message.payload === 'boolean' ? message.payload : { ...message.payload }),
        );
      } catch {
        validators.set(message.name, null); // a schema ajv cannot compile: take the first frame of the type
      }
    }
    return validators.get(message.name) as ValidateFunction | null;
  };
  /** Pointers of redacted values when the frame is valid but for them; undefined when it is not valid. */
  const check = (message: SpecMessage, msg: unknown): string[] | undefined => {
    const validate = validatorOf(message);
    if (validate === null || validate(msg)) return [];
    const pointers = new Set<string>();
    for (const error of validate.errors ?? []) {
      if (resolvePointer(msg, error.instancePath) !== REDACTED) return undefined;
      pointers.add(error.instancePath);
    }
    return [...pointers].sort();
  };

  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.session.jsonl'))
    .sort();
  for (const name of files) {
    if (result.byMessage.size === wanted.size) break;
    const file = path.join(dir, name);
    const display = displayOf(file);
    let scenario: string | undefined;
    let sameContract = true;
    try {
      visitSessionText(readFileSync(file, 'utf8'), display, {
        header(header) {
          sameContract = header.spec === spec.title || header.spec.startsWith(`${spec.title}@`);
          if (!sameContract) throw new StopScan();
          scenario = header.scenario;
        },
        record(record) {
          if (record.kind !== 'frame' || record.msg === undefined) return;
          const msg = record.msg as Record<string, unknown> | null;
          if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') return;
          const message = wanted.get(msg.type);
          if (message === undefined || result.byMessage.has(message.name)) return;
          const dir = directionOf(message);
          if (dir !== undefined && record.dir !== dir) return;
          const redacted = check(message, msg);
          if (redacted === undefined) return;
          result.byMessage.set(message.name, {
            file: display,
            line: record.line,
            ...(scenario !== undefined ? { scenario } : {}),
            payload: msg,
            redacted,
          });
          if (result.byMessage.size === wanted.size) throw new StopScan();
        },
      });
    } catch (err) {
      if (!(err instanceof StopScan)) throw err;
    }
    (sameContract ? result.files : result.otherContract).push(display);
  }
  return result;
}
