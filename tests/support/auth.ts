// Judging tokens with a real verifier, for every auth test (tests/integration/auth, tests/integration/verify/auth,
// tests/security/auth-*).
import { AuthError, type AccessVerifier } from '../../src/auth';

/**
 * 'ok', or the code the verifier refused the token with. Anything else it throws (a RangeError...) fails the test.
 *
 * @example
 * expect(await verdict(verify, token)).toBe('TOKEN_EXPIRED');
 */
export async function verdict(verify: AccessVerifier, token: string): Promise<string> {
  try {
    await verify(token);
    return 'ok';
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
}

/**
 * Now in whole seconds since the epoch, as JWT times are.
 *
 * @example
 * const claims = { iat: nowS(), exp: nowS() + 300 };
 */
export function nowS(): number {
  return Math.floor(Date.now() / 1000);
}
