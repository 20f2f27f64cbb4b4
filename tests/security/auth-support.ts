// Shared by the auth attack tests (tests/security/auth-*.test.ts): a real auth service, a real verifier, and the
// verdict a verifier gives a token.
import { AuthError, type AccessVerifier, type AuthService } from '../../src/auth';

/** 'ok', or the code the verifier refused with. Anything else it throws (a RangeError...) fails the test. */
export async function verdict(verify: AccessVerifier, token: string): Promise<string> {
  try {
    await verify(token);
    return 'ok';
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
}

export function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/** Access claims the auth service would sign, with `overrides`. */
export function accessClaims(
  auth: AuthService,
  sub: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = nowS();
  return {
    sub,
    iss: auth.issuer,
    aud: auth.audience,
    iat: now,
    exp: now + 300,
    token_type: 'access',
    permissions: ['chat'],
    ...overrides,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
