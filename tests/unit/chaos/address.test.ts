import { isLoopbackHost, parseHostPort } from '../../../src/chaos';

describe('loopback addresses', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    'localhost',
    'LOCALHOST',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
  ])('accepts %s', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    '10.0.0.1',
    '0.0.0.0',
    '::',
    '128.0.0.1',
    '::ffff:10.0.0.1',
    'example.com',
    'localhost.evil.com',
    '',
    '127.0.0',
  ])('refuses %s', (host) => expect(isLoopbackHost(host)).toBe(false));

  it('parses host:port and [v6]:port', () => {
    expect(parseHostPort('127.0.0.1:9000', 'listen')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseHostPort('[::1]:8000', 'upstream')).toEqual({ host: '::1', port: 8000 });
    expect(parseHostPort('localhost:0', 'listen')).toEqual({ host: 'localhost', port: 0 });
  });

  it.each<[string, 'listen' | 'upstream', string]>([
    ['127.0.0.1', 'listen', 'BAD_ADDRESS'],
    ['127.0.0.1:99999', 'listen', 'BAD_ADDRESS'],
    ['127.0.0.1:0', 'upstream', 'BAD_ADDRESS'],
    ['::1:80', 'upstream', 'BAD_ADDRESS'],
    ['10.1.1.1:80', 'upstream', 'NOT_LOOPBACK'],
    ['0.0.0.0:9000', 'listen', 'NOT_LOOPBACK'],
  ])('refuses %s (%s) with %s', (text, role, code) => {
    expect(() => parseHostPort(text, role)).toThrow(expect.objectContaining({ code }));
  });
});
