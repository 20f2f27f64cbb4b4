import fc from 'fast-check';
import { fillTemplate, fillText, mentions } from '../../../../src/verify/auth/template';

describe('templates', () => {
  test('{user} is substituted in strings, keys and nested values; other braces stay', () => {
    expect(fillText('{user}@example.com {kind} {x}', { user: 'alice' })).toBe('alice@example.com {kind} {x}');
    expect(
      fillTemplate({ sub: '{user}', tags: ['{user}', 1, true, null], '{user}_id': { deep: '{user}' } }, { user: 'bo' }),
    ).toEqual({
      sub: 'bo',
      tags: ['bo', 1, true, null],
      bo_id: { deep: 'bo' },
    });
  });

  test('a substituted value is never itself re-read as a template', () => {
    fc.assert(
      fc.property(fc.string(), (user) => {
        expect(fillText('<{user}>', { user })).toBe(`<${user}>`);
      }),
    );
  });

  test('mentions finds a placeholder anywhere', () => {
    expect(mentions(['vault', '{kind}'], 'kind')).toBe(true);
    expect(mentions({ params: { requested_subject: '{user}' } }, 'user')).toBe(true);
    expect(mentions({ '{user}': 1 }, 'user')).toBe(true);
    expect(mentions(['{users}', 'user'], 'user')).toBe(false);
  });
});
