/**
 * How deep a session record may nest (the record object is level 1, its `msg` level 2). Far deeper than any message
 * of the contract (`max_json_depth` is 32) and far shallower than what makes recursive JSON tools (JSON.stringify,
 * structured clones, reports) run out of stack. A frame nested deeper is written as `raw`; a line nested deeper is
 * SESSION_INVALID.
 */
export const MAX_RECORD_DEPTH = 1000;

const OPEN_BRACE = 123; // {
const OPEN_BRACKET = 91; // [
const CLOSE_BRACE = 125; // }
const CLOSE_BRACKET = 93; // ]
const QUOTE = 34; // "
const BACKSLASH = 92; // \

/**
 * True when a JSON text nests objects and arrays deeper than `max`, found without parsing (and so without
 * recursion). A text shorter than `2 * max + 2` characters cannot, and is answered at once.
 *
 * @example
 * nestsDeeperThan('[[1]]', 1); // true
 * nestsDeeperThan('{"a":"[[[["}', 1); // false
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length < 2 * max + 2) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
