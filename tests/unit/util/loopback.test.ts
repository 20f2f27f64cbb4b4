import { isLoopback } from '../../../src/util/loopback';

describe('isLoopback', () => {
  test.each([
    '127.0.0.1',
    '127.255.0.9',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
    'LOCALHOST',
  ])('%s is loopback', (address) => expect(isLoopback(address)).toBe(true));

  test.each([
    '0.0.0.0',
    '192.0.2.7',
    '10.0.0.1',
    '::',
    'fe80::1',
    '::ffff:192.0.2.7',
    '128.0.0.1',
    'example.com',
    '127.example.com',
    '',
    undefined,
  ])('%s is not', (address) => expect(isLoopback(address)).toBe(false));
});
