import type { IncomingHttpHeaders } from 'node:http';
import { credentialsFromUpgrade, tokenFromUpgrade } from '../../../src/auth';

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

  test('a malformed Authorization header wins over a good subprotocol: refused, the entry echoed only to say why', () => {
    expect(from({ authorization: 'Basic abc', 'sec-websocket-protocol': `jwt.${TOKEN}` })).toEqual({
      malformed: true,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test('the jwt.<token> subprotocol gives the token and the exact entry to echo', () => {
    expect(from({ 'sec-websocket-protocol': `jwt.${TOKEN}` })).toEqual({ token: TOKEN, subprotocol: `jwt.${TOKEN}` });
    expect(from({ 'sec-websocket-protocol': `chat.v1, jwt.${TOKEN} ,graphql-ws` })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test('two jwt. entries with different tokens conflict: refused; the same token twice does not', () => {
    expect(from({ 'sec-websocket-protocol': `jwt.${OTHER}, jwt.${TOKEN}` })).toEqual({
      malformed: true,
      subprotocol: `jwt.${OTHER}`,
    });
    expect(from({ 'sec-websocket-protocol': `jwt.${TOKEN}, jwt.${TOKEN}` })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test('repeated Sec-WebSocket-Protocol headers (an array) are read as one list', () => {
    expect(from({ 'sec-websocket-protocol': ['chat.v1', `jwt.${TOKEN}`] as unknown as string })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test('Bearer <A> with jwt.<B> conflicts: refused (the server would authenticate A and echo B)', () => {
    expect(from({ authorization: `Bearer ${TOKEN}`, 'sec-websocket-protocol': `jwt.${OTHER}` })).toEqual({
      malformed: true,
      subprotocol: `jwt.${OTHER}`,
    });
  });

  test('Bearer <A> with jwt.<A>: the token, and the entry to echo', () => {
    expect(from({ authorization: `Bearer ${TOKEN}`, 'sec-websocket-protocol': `jwt.${TOKEN}` })).toEqual({
      token: TOKEN,
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test.each([
    ['an empty token', 'jwt.'],
    ['a character that is not base64url', `jwt.${TOKEN}=`],
    ['a slash', 'jwt.abc/def.ghi'],
  ])('a malformed jwt. subprotocol (%s) yields no token', (_name, protocols) => {
    expect(from({ 'sec-websocket-protocol': protocols })).toEqual({ malformed: true, subprotocol: protocols });
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

describe('credentialsFromUpgrade', () => {
  const read = (headers: IncomingHttpHeaders) => credentialsFromUpgrade({ headers });

  test('says where the token came from', () => {
    expect(read({ authorization: `Bearer ${TOKEN}` })).toEqual({ token: TOKEN, source: 'header' });
    expect(read({ 'sec-websocket-protocol': `jwt.${TOKEN}` })).toEqual({
      token: TOKEN,
      source: 'subprotocol',
      subprotocol: `jwt.${TOKEN}`,
    });
  });

  test.each([
    [
      { authorization: `Bearer ${TOKEN}`, 'sec-websocket-protocol': `jwt.${OTHER}` },
      /^conflicting credentials: the Authorization header and the jwt\. subprotocol/,
    ],
    [
      { 'sec-websocket-protocol': `jwt.${TOKEN}, jwt.${OTHER}` },
      /^conflicting credentials: the jwt\. subprotocols carry different tokens$/,
    ],
    [{ authorization: 'Basic abc' }, /^the Authorization header is malformed/],
    [{ 'sec-websocket-protocol': 'jwt.' }, /^the jwt\. subprotocol is malformed/],
  ])('refusals are TOKEN_INVALID AuthErrors that name the problem, never a token (%#)', (headers, message) => {
    const { refusal, token, source } = read(headers as IncomingHttpHeaders);
    expect(token).toBeUndefined();
    expect(source).toBeUndefined();
    expect(refusal).toMatchObject({
      name: 'AuthError',
      code: 'TOKEN_INVALID',
      message: expect.stringMatching(message),
    });
    expect(refusal!.message).not.toContain(TOKEN.slice(0, 20));
    expect(refusal!.message).not.toContain(OTHER.slice(0, 20));
  });
});
