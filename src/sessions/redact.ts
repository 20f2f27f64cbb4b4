/** What a token is replaced with in a session file. */
export const REDACTED = '<redacted>';

// A compact JWS (header.payload.signature) as issued by the auth service: header always starts with `eyJ` ('{"').
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}/g;

/**
 * Replaces every JWT-looking substring of `text` with `<redacted>`.
 *
 * @example
 * redactTokens('{"token":"eyJhbGciOi.eyJzdWIi.c2ln"}'); // '{"token":"<redacted>"}'
 */
export function redactTokens(text: string): string {
  return text.includes('eyJ') ? text.replace(JWT_PATTERN, REDACTED) : text;
}

/**
 * Returns a copy of a client message with its secrets removed: `auth_refresh.token` whatever its shape, and any
 * string anywhere that looks like a JWT. Other values are returned as they are (no copy when nothing changes).
 *
 * @example
 * redactClientMessage({ type: 'auth_refresh', token: 'abc' }); // { type: 'auth_refresh', token: '<redacted>' }
 */
export function redactClientMessage(msg: unknown): unknown {
  const cleaned = redactDeep(msg);
  if (isRecord(cleaned) && cleaned.type === 'auth_refresh' && 'token' in cleaned && cleaned.token !== REDACTED) {
    return { ...cleaned, token: REDACTED };
  }
  return cleaned;
}

function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactTokens(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = redactDeep(item);
      if (next !== item) (copy ??= value.slice())[i] = next;
    });
    return copy ?? value;
  }
  if (isRecord(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const next = redactDeep(item);
      if (next !== item) (copy ??= { ...value })[key] = next;
    }
    return copy ?? value;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
