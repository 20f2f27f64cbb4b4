import type { IncomingHttpHeaders } from 'node:http';
import { tokenFromUpgrade } from '../../../src/auth';

const TOKEN = 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const OTHER = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJib2IifQ.b3RoZXItc2lnbmF0dXJl';

function from(headers: IncomingHttpHeaders) {
  return tokenFromUpgrade({ headers });
}

describe('tokenFromUpgrade', () => {
  test('no credentials: nothing', () => {
    expect(from({})).toEqual({});
    expect(from({ 'sec-websocket-protocol': 'chat.v1, graphql-ws' })).toEqual({});
  });

  test.each([
    ['Bearer <t>', `Bearer ${TOKEN}`],
    ['a lower-case scheme', `bearer ${TOKEN}`],
    ['extra spaces', `Bearer   ${TOKEN}  `],
  ])('Authorization header with %s', (_name, authorization) => {
    expect(from({ authorization })).toEqual({ token: TOKEN });
  });

  test('the Authorization token is handed to the verifier as-is, even when it is not a JWS', () => {
    expect(from({ authorization: 'Bearer garbage' })).toEqual({ token: 'garbage' });
  });

  test.each([
    ['another scheme', `Basic ${TOKEN}`],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['two values', `Bearer ${TOKEN} ${OTHER}`],
    ['no space', `Bearer${TOKEN}`],
    ['an empty header', ''],
    ['a character outside token68', `Bearer ${TOKEN}!`],
  ])('a malformed Authorization header (%s) yields no token', (_name, authorization) => {
    expect(from({ authorization })).toEqual({ malformed: true });
  });

  test('a malformed Authorization header wins over a good subprotocol, which is still reported for the echo', () => {
    expect(from({ authorization: 'Basic abc', 'sec-websocket-protocol': `jwt.${TOKEN}` })).toEqual({
      subprotocol: `jwt.${TOKEN}`,
      malformed: true,
    });
  });

  test('the jwt.<token> subprotocol gives the token and the exact entry to echo', () => {
    expect(from({ 'sec-websocket-protocol': `jwt.${TOKEN}` })).toEqual({ token: TOKEN, subprotocol: `jwt.${TOKEN}` });
    expect(from({ 'sec-websocket-protocol': `chat.v1, jwt.${TOKEN} ,graphql-ws` })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test('the first jwt. entry is used', () => {
    expect(from({ 'sec-websocket-protocol': `jwt.${OTHER}, jwt.${TOKEN}` })).toEqual({
      token: OTHER,
      subprotocol: `jwt.${OTHER}`,
    });
  });

  test('repeated Sec-WebSocket-Protocol headers (an array) are read as one list', () => {
    expect(from({ 'sec-websocket-protocol': ['chat.v1', `jwt.${TOKEN}`] as unknown as string })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test('the Authorization header wins over the subprotocol; the subprotocol is still returned for the echo', () => {
    expect(from({ authorization: `Bearer ${TOKEN}`, 'sec-websocket-protocol': `jwt.${OTHER}` })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${OTHER}`,
    });
  });

  test.each([
    ['an empty token', 'jwt.'],
    ['a character that is not base64url', `jwt.${TOKEN}=`],
    ['a slash', 'jwt.abc/def.ghi'],
  ])('a malformed jwt. subprotocol (%s) yields no token', (_name, protocols) => {
    expect(from({ 'sec-websocket-protocol': protocols })).toEqual({ malformed: true });
  });

  test('a malformed jwt. entry is skipped when a good one follows', () => {
    expect(from({ 'sec-websocket-protocol': `jwt., jwt.${TOKEN}` })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test('prefix is case-sensitive: JWT.<token> is not a token subprotocol', () => {
    expect(from({ 'sec-websocket-protocol': `JWT.${TOKEN}` })).toEqual({});
  });
});
