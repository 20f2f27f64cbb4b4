// The session format's use of the one redactor (util/redact): what a session file may never hold.
import { REDACTED, redactText, redactValue } from '../util/redact';

export { REDACTED };

/**
 * Replaces every token-looking substring of a session line (and every given secret) with `<redacted>`.
 *
 * @example
 * redactTokens('{"token":"eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"}'); // '{"token":"<redacted>"}'
 */
export function redactTokens(text: string, secrets: readonly string[] = []): string {
  return redactText(text, secrets);
}

/**
 * A copy of a client message with its credentials removed (`auth_refresh.token` whatever its shape, any other
 * credential-named key, any token-looking string). Unchanged values are returned as they are.
 *
 * @example
 * redactClientMessage({ type: 'auth_refresh', token: 'abc' }); // { type: 'auth_refresh', token: '<redacted>' }
 */
export function redactClientMessage(msg: unknown, secrets: readonly string[] = []): unknown {
  return redactValue(msg, secrets);
}
