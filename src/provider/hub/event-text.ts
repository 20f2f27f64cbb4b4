import { randomUUID } from 'node:crypto';

/**
 * JSON text of run events, with the JSON of a frozen object field written once and spliced into each event's text:
 * `results` (a tool outcome shared by every run that asked the same question of the same frozen workload, see
 * runTool), `result` (an agent's answer built once per frozen workload) or `parameters` (an agent's frozen tool
 * parameters). These are the bulk of an event's bytes, and serialising them again for every run was most of commit's
 * time. The text is exactly what JSON.stringify(event) gives (same keys, same order).
 */
const fieldText = new WeakMap<object, string>();

/** The fields that may hold a shared frozen object; an event carries at most one of them. */
const SPLICED = ['results', 'result', 'parameters'] as const;

// A placeholder no other field can hold: NULs around a random nonce drawn once per process (a field that a client's
// text reaches cannot guess it), so the first occurrence in the text is the one put there.
const MARK = `\u0000frozen:${randomUUID()}\u0000`;
const MARK_TEXT = JSON.stringify(MARK);

/** JSON.stringify(event), reusing the cached text of a frozen plain object in one of the {@link SPLICED} fields. */
export function eventText(event: Record<string, unknown>): string {
  let field: (typeof SPLICED)[number] | undefined;
  for (const name of SPLICED) {
    const value = event[name];
    if (typeof value === 'object' && value !== null && Object.isFrozen(value)) {
      field = name;
      break;
    }
  }
  if (field === undefined) return JSON.stringify(event);
  const value = event[field] as object;
  let cached = fieldText.get(value);
  if (cached === undefined) {
    cached = JSON.stringify(value);
    fieldText.set(value, cached);
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
  return `${text.slice(0, at)}${cached}${text.slice(at + MARK_TEXT.length)}`;
}
