import { randomUUID } from 'node:crypto';

/**
 * JSON text of run events, with the JSON of a frozen `results` object (a tool outcome shared by every run that asked
 * the same question of the same frozen workload, see runTool) written once and spliced into each event's text:
 * tool results are the bulk of an event's bytes, and serialising them again for every run was most of commit's time.
 * The text is exactly what JSON.stringify(event) gives (same keys, same order).
 */
const resultsText = new WeakMap<object, string>();

// A placeholder no other field can hold: NULs around a random nonce drawn once per process (a field that a client's
// text reaches cannot guess it), so the first occurrence in the text is the one put there.
const MARK = `\u0000results:${randomUUID()}\u0000`;
const MARK_TEXT = JSON.stringify(MARK);

/** JSON.stringify(event), reusing the cached text of a frozen plain `results` object. */
export function eventText(event: Record<string, unknown>): string {
  const results = event.results;
  if (typeof results !== 'object' || results === null || !Object.isFrozen(results)) return JSON.stringify(event);
  let cached = resultsText.get(results);
  if (cached === undefined) {
    cached = JSON.stringify(results);
    resultsText.set(results, cached);
  }
  // The event is the pipeline's own object (buildEvent): swapping the field for the length of one stringify is safe.
  event.results = MARK;
  let text: string;
  try {
    text = JSON.stringify(event);
  } finally {
    event.results = results;
  }
  const at = text.indexOf(MARK_TEXT);
  return `${text.slice(0, at)}${cached}${text.slice(at + MARK_TEXT.length)}`;
}
