/**
 * How frames that are not JSON text appear in a session file. The format has `raw` text only, so a binary frame is
 * written as `raw: "<binary base64:...>"`; replay and replay-server send it back as a binary frame.
 */
const BINARY_PREFIX = '<binary base64:';
const BINARY_SUFFIX = '>';

/**
 * The `raw` text a binary frame is recorded as.
 *
 * @example
 * binaryRaw(Buffer.from('hi')); // '<binary base64:aGk=>'
 */
export function binaryRaw(bytes: Uint8Array): string {
  return `${BINARY_PREFIX}${Buffer.from(bytes).toString('base64')}${BINARY_SUFFIX}`;
}

/**
 * What to put on the wire for a recorded `raw` frame: its bytes when it was binary, else its text.
 *
 * @example
 * decodeRaw('<binary base64:aGk=>'); // { binary: <Buffer 68 69> }
 * decodeRaw('not json'); // { text: 'not json' }
 */
export function decodeRaw(raw: string): { binary: Buffer } | { text: string } {
  if (raw.startsWith(BINARY_PREFIX) && raw.endsWith(BINARY_SUFFIX)) {
    const body = raw.slice(BINARY_PREFIX.length, -BINARY_SUFFIX.length);
    if (/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return { binary: Buffer.from(body, 'base64') };
  }
  return { text: raw };
}

/**
 * A text frame of exactly `bytes` bytes that is not JSON (a paste gone wrong): used to provoke FRAME_TOO_LARGE.
 *
 * @example
 * oversizeText(70_000).length; // 70000
 */
export function oversizeText(bytes: number): string {
  const head = 'oversize frame: ';
  return bytes <= head.length ? 'x'.repeat(bytes) : head + 'x'.repeat(bytes - head.length);
}
