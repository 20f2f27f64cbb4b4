import { randomUUID } from 'node:crypto';
import { splicedTextFrame, textFrame } from '../ws-frame';

/**
 * JSON text of run events, with the JSON of a frozen object field written once and spliced into each event's text:
 * `results` (a tool outcome shared by every run that asked the same question of the same frozen workload, see
 * runTool), `result` (an agent's answer built once per frozen workload) or `parameters` (an agent's frozen tool
 * parameters). These are the bulk of an event's bytes, and serialising them again for every run was most of commit's
 * time. The text is exactly what JSON.stringify(event) gives (same keys, same order).
 */
const fieldJson = new WeakMap<object, { text: string; bytes: Buffer }>();

/** The fields that may hold a shared frozen object; an event carries at most one of them. */
const SPLICED = ['results', 'result', 'parameters'] as const;

// A placeholder no other field can hold: NULs around a random nonce drawn once per process (a field that a client's
// text reaches cannot guess it), so the first occurrence in the text is the one put there.
const MARK = `\u0000frozen:${randomUUID()}\u0000`;
const MARK_TEXT = JSON.stringify(MARK);

/** An event's JSON text and the WebSocket frame that carries it (see textFrame). */
export interface EncodedEvent {
  text: string;
  frame: Buffer;
}

/** JSON.stringify(event), reusing the cached text of a frozen plain object in one of the {@link SPLICED} fields. */
export function eventText(event: Record<string, unknown>): string {
  return encodeEvent(event).text;
}

/**
 * {@link eventText} and its frame together. With a spliced field the frame is built from the parts (the field's JSON
 * copied from its cached bytes) and the text is left as the engine's concatenation of the parts: nothing encodes or
 * copies the whole message again unless something reads it as one string (a resume, the event log).
 */
export function encodeEvent(event: Record<string, unknown>): EncodedEvent {
  const field = splicedField(event);
  if (field === undefined) {
    const text = JSON.stringify(event);
    return { text, frame: textFrame(text) };
  }
  const value = event[field] as object;
  let json = fieldJson.get(value);
  if (json === undefined) {
    const text = JSON.stringify(value);
    json = { text, bytes: Buffer.from(text) };
    fieldJson.set(value, json);
  }
  // The event is the pipeline's own object (buildEvent): swapping the field for the length of one stringify is safe.
  event[field] = MARK;
  let text: string;
  try {
    text = JSON.stringify(event);
  } finally {
    event[field] = value;
  }
  const at = text.indexOf(MARK_TEXT);
  const before = text.slice(0, at);
  const after = text.slice(at + MARK_TEXT.length);
  return { text: `${before}${json.text}${after}`, frame: splicedTextFrame(before, json.bytes, after) };
}

/** The first {@link SPLICED} field holding a frozen object, if any. */
function splicedField(event: Record<string, unknown>): (typeof SPLICED)[number] | undefined {
  for (const name of SPLICED) {
    const value = event[name];
    if (typeof value === 'object' && value !== null && Object.isFrozen(value)) return name;
  }
  return undefined;
}
