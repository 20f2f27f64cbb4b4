import { TOKEN_KINDS } from '../../../src/sessions';
import { TOKEN_KINDS as STRATEGY_KINDS } from '../../../src/verify/auth';

describe('token kinds', () => {
  it('token strategies can be asked for every kind the session format records but `none` (no credential)', () => {
    expect([...STRATEGY_KINDS, 'none'].sort()).toEqual([...TOKEN_KINDS].sort());
    expect(STRATEGY_KINDS).toContain('alg_none');
    expect(STRATEGY_KINDS).not.toContain('none');
  });
});
