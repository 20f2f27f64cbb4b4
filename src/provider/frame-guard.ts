import { isUtf8 } from 'node:buffer';

/** Why a client frame was refused before it reached a message handler; each is an `error_message.error_code`. */
export type FrameRefusalCode =
  'BINARY_NOT_SUPPORTED' | 'FRAME_TOO_LARGE' | 'INVALID_UTF8' | 'NESTING_TOO_DEEP' | 'INVALID_JSON';

/** Result of {@link parseClientFrame}: the parsed JSON value, or why it was refused. */
export type FrameResult =
  { ok: true; value: unknown } | { ok: false; code: FrameRefusalCode; message: string; requestId?: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Deepest nesting of `{`/`[` outside strings, scanned over the raw bytes. Runs before `JSON.parse` so a frame of
 * 60,000 `[` costs one linear pass instead of a deep recursion; stops early once `limit` is exceeded. UTF-8
 * continuation bytes are all >= 0x80, so byte-wise scanning cannot mistake them for ASCII punctuation.
 */
export function jsonDepthExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The frame's `request_id` when it is an object carrying a well-formed one (echoed in error answers). */
export function requestIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const id = (value as { request_id?: unknown }).request_id;
  return typeof id === 'string' && REQUEST_ID.test(id) ? id : undefined;
}

const SNIFF_BYTES = 4096;
const SNIFF = /"request_id"\s*:\s*"([A-Za-z0-9._:-]{1,128})"/;

/**
 * The `request_id` of a frame that is refused before it is parsed (too large, too deep, invalid UTF-8), found by a
 * bounded look at its first 4 KiB, so the client can still match the refusal to its request.
 */
export function sniffRequestId(data: Buffer): string | undefined {
  return SNIFF.exec(data.toString('latin1', 0, Math.min(data.length, SNIFF_BYTES)))?.[1];
}

/**
 * Applies the channel's frame rules in order (binary, size, UTF-8, depth, JSON) to one received frame. `data` is
 * the raw payload: ws runs with `skipUTF8Validation` so that invalid UTF-8 reaches us instead of closing with 1007.
 */
export function parseClientFrame(
  data: Buffer,
  isBinary: boolean,
  limits: { maxFrameBytes: number; maxJsonDepth: number },
): FrameResult {
  if (isBinary) {
    return { ok: false, code: 'BINARY_NOT_SUPPORTED', message: 'Binary frames are not supported; send JSON text.' };
  }
  if (data.length > limits.maxFrameBytes) {
    return {
      ok: false,
      code: 'FRAME_TOO_LARGE',
      message: `Frame of ${data.length} bytes is over the limit of ${limits.maxFrameBytes} bytes.`,
      requestId: sniffRequestId(data),
    };
  }
  if (!isUtf8(data)) {
    return {
      ok: false,
      code: 'INVALID_UTF8',
      message: 'Frame is not valid UTF-8 text.',
      requestId: sniffRequestId(data),
    };
  }
  if (jsonDepthExceeds(data, limits.maxJsonDepth)) {
    return {
      ok: false,
      code: 'NESTING_TOO_DEEP',
      message: `JSON is nested deeper than ${limits.maxJsonDepth} levels.`,
      requestId: sniffRequestId(data),
    };
  }
  try {
    return { ok: true, value: JSON.parse(data.toString('utf8')) };
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'parse error';
    return {
      ok: false,
      code: 'INVALID_JSON',
      message: `Frame is not valid JSON: ${detail}`.slice(0, 500),
      requestId: sniffRequestId(data),
    };
  }
}
