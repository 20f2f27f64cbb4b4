import type { IssuedToken } from '../auth/types';
import type { Target } from '../targets/types';
import type { TokenSpec } from '../scenarios';
import { redactText } from '../../util/redact';
import { RecordError } from './errors';

/** The credential a step presents: nothing (`none`) or a token the target's token source made. */
export interface Presented {
  token?: string;
  issued?: IssuedToken;
}

/**
 * Whether the target's token source can make `spec`'s kind: true, or the reason it cannot (the scenario is
 * skipped with it).
 *
 * @example
 * canPresent(target, { kind: 'wrong_audience' }); // 'the dev token endpoint cannot make a wrong_audience token ...'
 */
export function canPresent(target: Target, spec: TokenSpec): true | string {
  if (spec.kind === 'none') return true;
  const answer = target.auth.supports(spec.kind);
  return answer === true ? true : answer.reason;
}

/**
 * Makes the credential for `user` from the target's token source. Throws RecordError `RECORD_TOKEN_UNAVAILABLE`
 * when the source cannot make the kind, and wraps the source's own failures (an auth service that is down) as
 * `RECORD_CONNECT_FAILED`.
 *
 * @example
 * const { token } = await present(target, 'r7f3a.alice', { kind: 'expired' });
 */
export async function present(target: Target, user: string, spec: TokenSpec): Promise<Presented> {
  if (spec.kind === 'none') return {};
  const can = canPresent(target, spec);
  if (can !== true) throw new RecordError('RECORD_TOKEN_UNAVAILABLE', can);
  try {
    const issued = await target.auth.token({ user, kind: spec.kind, ...(spec.ttlS ? { ttlS: spec.ttlS } : {}) });
    return { token: issued.token, issued };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = redactText(
      `${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}`,
      target.auth.secrets(),
    );
    throw new RecordError(
      'RECORD_CONNECT_FAILED',
      `no ${spec.kind} token for ${user} from ${target.auth.kind} (${why})`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Why every user of the target's token source is one and the same principal (an OAuth 2.0 client_credentials grant,
 * one static token), when it is: the token source says so (`sharedIdentity`). Undefined for sources that give each
 * user its own identity.
 *
 * @example
 * sharedIdentityOf(target); // 'client_credentials tokens all name the client, not a user'
 */
export function sharedIdentityOf(target: Target): string | undefined {
  const reason = (target.auth as { readonly sharedIdentity?: unknown }).sharedIdentity;
  return typeof reason === 'string' && reason !== '' ? reason : undefined;
}

/**
 * The `sub` of a token the tool itself was handed (read, not verified: for naming the user on a target whose tokens
 * all name one principal).
 *
 * @example
 * subjectOf(token); // 'svc-conformance'
 */
export function subjectOf(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub !== '' ? sub : undefined;
  } catch {
    return undefined;
  }
}
