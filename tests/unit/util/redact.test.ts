import { REDACTED, redactText, redactValue } from '../../../src/util/redact';

const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('util/redact', () => {
  it('replaces JWT-shaped text and the given secrets, nothing else', () => {
    expect(redactText(`Bearer ${JWT}`)).toBe(`Bearer ${REDACTED}`);
    expect(redactText('client_secret=hunter22 ok', ['hunter22'])).toBe(`client_secret=${REDACTED} ok`);
    expect(redactText('version 1.2.3 and a.b.c')).toBe('version 1.2.3 and a.b.c');
    expect(redactText('abc', ['ab'])).toBe('abc'); // too short to be a secret worth scrubbing
  });

  it('scrubs credential keys whatever their value and leaves other values untouched (same object)', () => {
    const clean = { type: 'start_agent', request_id: 'r1' };
    expect(redactValue(clean)).toBe(clean);
    expect(redactValue({ type: 'auth_refresh', token: 'short' })).toEqual({ type: 'auth_refresh', token: REDACTED });
    expect(redactValue({ nested: [{ Authorization: 'x' }, `t=${JWT}`] })).toEqual({
      nested: [{ Authorization: REDACTED }, `t=${REDACTED}`],
    });
  });
});
