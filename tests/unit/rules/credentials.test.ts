import { TOKEN_KINDS } from '../../../src/sessions/types';
import { check } from './check-helper';
import { RunBuilder, SessionBuilder, errorMessage, established, happyRun } from './session-builder';

const RULE = 'protocol.bad-credential-refused';
// Every kind of the session format but `valid` (one list: a new bad kind is covered here without an edit).
const BAD_KINDS = TOKEN_KINDS.filter((kind) => kind !== 'valid');

/** A connection presenting a `kind` token, and what the provider answered. */
function presented(kind: string, answer: (b: SessionBuilder) => void): SessionBuilder {
  const b = new SessionBuilder().open('c', null, 0, kind);
  answer(b);
  return b;
}

describe(RULE, () => {
  it.each(BAD_KINDS)('a %s token refused with any auth code and close 1008 holds', (kind) => {
    // Which auth code is the provider's choice (the spec leaves it open): AUTH_FAILED as well as TOKEN_EXPIRED.
    for (const code of ['AUTH_FAILED', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'PERMISSION_DENIED']) {
      const b = presented(kind, (s) => s.s2c('c', errorMessage(code, 'Refused.', 5), 5).close('c', 1008, 'server', 6));
      expect(check(b).rules).toEqual([]);
    }
  });

  it.each(BAD_KINDS)('a provider that ACCEPTS a %s token fails it, named by the token kind', (kind) => {
    const b = presented(kind, (s) => s.s2c('c', established('c', 'mallory', 5), 5).close('c', 1000, 'client', 900));
    const c = check(b);
    expect(c.rules).toEqual([RULE]);
    expect(c.of(RULE)).toHaveLength(1);
    expect(c.of(RULE)[0]).toMatchObject({
      line: 3,
      message: `conn c presented a token of kind ${kind}: expected an error_message with an auth code, then close 1008, got connection_established: the token was accepted`,
    });
  });

  it('an accepted expired token that goes on to run an agent is reported once, at connection_established', () => {
    const b = new SessionBuilder().open('c', 'alice', 0, 'expired').s2c('c', established('c', 'alice', 5), 5);
    const t = happyRun(b, new RunBuilder({ runId: 'run_alice000001', user: 'alice' }), ['c'], 100);
    b.close('c', 1000, 'client', t + 10);
    const c = check(b);
    expect(c.rules).toEqual([RULE]);
    expect(c.of(RULE).map((v) => v.line)).toEqual([3]);
  });

  it('a refusal with a code that is not an auth code, or no answer at all, fails it', () => {
    const wrongCode = presented('alg_none', (s) =>
      s.s2c('c', errorMessage('INTERNAL_ERROR', 'Oops.', 5), 5).close('c', 1008, 'server', 6),
    );
    expect(check(wrongCode).of(RULE)[0].message).toMatch(/got error_message INTERNAL_ERROR: the token was accepted/);
    const silent = presented('wrong_audience', (s) => s.close('c', 1000, 'client', 5000));
    expect(check(silent).of(RULE)[0].message).toMatch(/got nothing before close 1000 by client$/);
    const openToEnd = presented('bad_signature', () => undefined);
    expect(check(openToEnd).of(RULE)[0].message).toMatch(/got nothing before the end of the session$/);
  });

  it('a bare close 1008 is auth-failure-closes-1008 only; a client that gave up at once proves nothing', () => {
    const bare = presented('expired', (s) => s.close('c', 1008, 'server', 5));
    expect(check(bare).rules).toEqual(['protocol.auth-failure-closes-1008']);
    const hasty = presented('expired', (s) => s.close('c', 1000, 'client', 20));
    expect(check(hasty).rules).toEqual([]);
  });

  it('a valid token (token_kind absent) is not this rule business', () => {
    const b = new SessionBuilder().connect('c', 'alice', 0).close('c', 1000, 'client', 100);
    expect(check(b).rules).toEqual([]);
  });

  describe('auth_refresh with a bad credential', () => {
    it('answered by an error_message (any code: the spec fixes only that it is refused) holds', () => {
      for (const code of ['TOKEN_INVALID', 'AUTH_FAILED', 'SCHEMA_VALIDATION_FAILED']) {
        const b = new SessionBuilder().connect('c', 'alice', 0).refresh('c', 100, 'expired', 'r1');
        b.s2c('c', errorMessage(code, 'Refused.', 101, { request_id: 'r1' }), 101);
        b.close('c', 1000, 'client', 3000);
        expect(check(b).rules).toEqual([]);
      }
    });

    it('silently accepted (no answer) fails it, at the refresh frame', () => {
      const b = new SessionBuilder().connect('c', 'alice', 0).refresh('c', 100, 'alg_none');
      b.close('c', 1000, 'client', 6000);
      const c = check(b);
      expect(c.rules).toEqual([RULE]);
      expect(c.of(RULE)[0]).toMatchObject({
        line: 4,
        message:
          'conn c presented a token of kind alg_none: expected an error_message refusing it, got no answer before close 1000 by client: the provider accepted it',
      });
    });

    it('an answer that comes too late, or for another request, does not count', () => {
      const late = new SessionBuilder().connect('c', 'alice', 0).refresh('c', 100, 'expired');
      late.s2c('c', errorMessage('TOKEN_EXPIRED', 'Your token expired.', 9000), 9000);
      late.close('c', 1008, 'server', 9001);
      expect(check(late).rules).toEqual([RULE]);
      const other = new SessionBuilder().connect('c', 'alice', 0).refresh('c', 100, 'expired', 'r1');
      other.s2c('c', errorMessage('FORBIDDEN', 'No such run.', 101, { request_id: 'r2' }), 101);
      other.close('c', 1000, 'client', 3000);
      expect(check(other).rules).toEqual([RULE]);
    });

    it('a valid refresh needs no answer; a bad one right before the close is excused', () => {
      const b = new SessionBuilder().connect('c', 'alice', 0).refresh('c', 100).refresh('c', 2990, 'expired');
      b.close('c', 1000, 'client', 3000);
      expect(check(b).rules).toEqual([]);
    });
  });
});
