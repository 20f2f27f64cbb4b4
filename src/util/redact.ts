// The one redactor: tokens and secrets never reach a session file, a report, a log line or an error message.

/** What a secret is replaced with. */
export const REDACTED = '<redacted>';

// Anything shaped like a compact JWS (header.payload.signature); headers of real JWTs start with `eyJ` ('{"'), but
// a hand-made or tampered token may not, so the pattern only asks for three base64url runs of some length.
const JWS_LIKE = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every JWT-looking substring of `text`, and every occurrence of the given secrets, with `<redacted>`.
 *
 * @example
 * redactText('{"token":"eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"}'); // '{"token":"<redacted>"}'
 * redactText('secret=hunter22', ['hunter22']); // 'secret=<redacted>'
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.includes('.') ? text.replace(JWS_LIKE, REDACTED) : text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * A copy of a JSON value with every string passed through `redactText` (no copy when nothing changes), and the
 * values of keys that hold credentials (`token`, `access_token`, `refresh_token`, `client_secret`, `password`,
 * `secret`, `authorization`) replaced whatever their shape.
 *
 * @example
 * redactValue({ type: 'auth_refresh', token: 'abc' }); // { type: 'auth_refresh', token: '<redacted>' }
 */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = redactValue(item, secrets, depth + 1);
      if (next !== item) (copy ??= value.slice())[i] = next;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const next =
      CREDENTIAL_KEYS.has(key.toLowerCase()) && item !== REDACTED && item !== null && item !== undefined
        ? REDACTED
        : redactValue(item, secrets, depth + 1);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}

const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'subject_token',
  'client_secret',
  'password',
  'secret',
  'authorization',
]);
