/**
 * Auth refusal codes whose choice the spec leaves to the provider (asyncapi.yaml, securitySchemes.bearerHeader:
 * "which one is the provider's choice, and clients treat them all as a refusal"). The one list of them in verify.
 *
 * @example
 * PROVIDER_CHOSEN_AUTH_CODES.has('TOKEN_INVALID'); // true
 * PROVIDER_CHOSEN_AUTH_CODES.has('AUTH_USER_MISMATCH'); // false: the spec fixes that one
 */
export const PROVIDER_CHOSEN_AUTH_CODES: ReadonlySet<string> = new Set([
  'AUTH_FAILED',
  'TOKEN_MISSING',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'TOKEN_WRONG_TYPE',
  'PERMISSION_DENIED',
  'AUTH_UNAVAILABLE',
]);
