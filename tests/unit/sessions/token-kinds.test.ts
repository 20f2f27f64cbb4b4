import { TOKEN_KINDS } from '../../../src/sessions';
import { TOKEN_KINDS as STRATEGY_KINDS } from '../../../src/verify/auth';

describe('token kinds', () => {
  // The session format records what the token strategies can make: one vocabulary (the lower layer's would be best
  // the only copy; until then they must not drift).
  it('the session format knows every kind of credential a token strategy can present, and no other', () => {
    expect([...TOKEN_KINDS].sort()).toEqual([...STRATEGY_KINDS].sort());
  });
});
