// The attack catalogue of issue 12, each attack a named test, all against ONE real `netra-contracts serve` child
// process. Every attack must end in a typed `error_message` or a documented close code; at the end the same process is
// still up, logged no internal error and no token, and a bystander's run completes with all its events.
// Tokens that only the real key can sign (times beyond the Date range, ten-year lifetimes, non-UTF-8 payloads) are
// signed by the test with the key serve was started with (--signing-key-file).
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SignJWT } from 'jose';
import { loadProtocol } from '../../src/protocol';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  MULTI_TOOL_REQUEST,
  spawnServe,
  type ConnectOptions,
  type Msg,
  type RecordingClient,
  type ServeProcess,
  type TestSession,
} from '../support';
import { createServeSigner, ed25519Key, type ServeSigner } from './serve-signer';

const TEN_YEARS_S = 10 * 365 * 86_400;
const BEYOND_DATE_RANGE = [8.64e12 + 1, Number.MAX_SAFE_INTEGER, 1e300];
const DOCUMENTED_CLOSE_CODES = [...loadProtocol().closeCodes.keys()];
const RUN_EVENT_TYPES_OF_A_FULL_RUN = [
  'agent_completed',
  'agent_started',
  'agent_thinking',
  'tool_completed',
  'tool_executing',
];

let serve: ServeProcess;
let signer: ServeSigner;
/** An attacker's JWKS server: any request to it means the provider followed a `jku`/`x5u` header. */
let attackerJwks: Server;
let attackerJwksUrl: string;
let attackerHits = 0;
let attacker: Awaited<ReturnType<typeof ed25519Key>>;

beforeAll(async () => {
  signer = await createServeSigner();
  attacker = await ed25519Key();
  attackerJwks = createServer((_req, res) => {
    attackerHits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [{ ...attacker.publicJwk, alg: 'EdDSA', use: 'sig' }] }));
  });
  await new Promise<void>((resolve) => attackerJwks.listen(0, '127.0.0.1', resolve));
  attackerJwksUrl = `http://127.0.0.1:${(attackerJwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  serve = await spawnServe({ thinkMs: 30, toolMs: 30, jitter: 0.2, args: ['--signing-key-file', signer.file] });
}, 45_000);

afterAll(async () => {
  await serve?.stop();
  await killAllServe();
  await new Promise((resolve) => attackerJwks?.close(resolve));
  signer?.dispose();
}, 30_000);

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Connects with `token` and expects the refusal: exactly one error_message, then close 1008. Returns its code. */
async function refusal(scenario: string, token: string, opts: ConnectOptions = {}): Promise<string> {
  const session = createTestSession(`attack-${scenario}`);
  const client = await connectUser(session, serve, 'mallory', { token, expect: 'refused', ...opts });
  expect(client.closeInfo?.code).toBe(1008);
  expect(client.frames.map((f) => f.type)).toEqual(['error_message']);
  await expectNoViolations(session);
  return client.frames[0].error_code as string;
}

/** Sends `frame` (text, or binary when a Buffer is given with `binary`) and waits for the next error_message. */
async function answerTo(client: RecordingClient, frame: string | Buffer): Promise<Msg> {
  const from = client.mark();
  client.sendRaw(frame, false);
  return client.waitFor((m) => m.type === 'error_message', { from, what: 'error_message', timeoutMs: 10_000 });
}

/** The socket under a harness client, to write bytes no WebSocket client would (protocol violations). */
function rawSocket(client: RecordingClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

describe('tokens at the handshake', () => {
  test.each(['none', 'None', 'NONE', 'nOnE', 'none '])(
    'alg %j (unsecured JWT) is refused TOKEN_INVALID',
    async (alg) => {
      const token = `${b64({ alg, typ: 'JWT', kid: signer.kid })}.${b64(signer.claims('mallory'))}.`;
      expect(await refusal(`alg-none-${alg.trim()}`, token)).toBe('TOKEN_INVALID');
    },
  );

  test('alg none with a signature segment copied from a valid token is refused TOKEN_INVALID', async () => {
    const valid = await signer.sign(signer.claims('mallory'));
    const token = `${b64({ alg: 'none', kid: signer.kid })}.${b64(signer.claims('alice'))}.${valid.split('.')[2]}`;
    expect(await refusal('alg-none-with-signature', token)).toBe('TOKEN_INVALID');
  });

  test.each([
    ['the raw public key bytes', () => Buffer.from(signer.publicJwk.x as string, 'base64url')],
    ['the public JWK as JSON', () => Buffer.from(JSON.stringify(signer.publicJwk))],
    ['the x coordinate as text', () => Buffer.from(signer.publicJwk.x as string)],
  ])('algorithm confusion: HS256 keyed with %s is refused TOKEN_INVALID', async (_name, secret) => {
    const token = await new SignJWT(signer.claims('alice'))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: signer.kid })
      .sign(secret());
    expect(await refusal('alg-confusion-hs256', token)).toBe('TOKEN_INVALID');
  });

  test('a token signed by an attacker key with its own kid is refused TOKEN_INVALID', async () => {
    const token = await new SignJWT(signer.claims('alice'))
      .setProtectedHeader({ alg: 'EdDSA', kid: attacker.kid })
      .sign(attacker.privateKey);
    expect(await refusal('attacker-key-own-kid', token)).toBe('TOKEN_INVALID');
  });

  test("a token signed by an attacker key under the server's kid is refused TOKEN_INVALID", async () => {
    const token = await new SignJWT(signer.claims('alice'))
      .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid })
      .sign(attacker.privateKey);
    expect(await refusal('attacker-key-server-kid', token)).toBe('TOKEN_INVALID');
  });

  test.each(['jku', 'x5u'])('a %s header naming an attacker JWKS is not followed: TOKEN_INVALID', async (header) => {
    const token = await new SignJWT(signer.claims('alice'))
      .setProtectedHeader({ alg: 'EdDSA', kid: attacker.kid, [header]: attackerJwksUrl })
      .sign(attacker.privateKey);
    expect(await refusal(`${header}-header`, token)).toBe('TOKEN_INVALID');
    expect(attackerHits).toBe(0);
  });

  test('an embedded jwk header carrying the attacker key is not trusted: TOKEN_INVALID', async () => {
    const token = await new SignJWT(signer.claims('alice'))
      .setProtectedHeader({ alg: 'EdDSA', kid: attacker.kid, jwk: attacker.publicJwk })
      .sign(attacker.privateKey);
    expect(await refusal('embedded-jwk', token)).toBe('TOKEN_INVALID');
  });

  test.each([
    ['path traversal', '../../../../etc/passwd'],
    ['SQL', "' OR '1'='1' --"],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['5,000 characters', 'k'.repeat(5_000)],
    ['a number', 42],
    ['an object', { $ne: null }],
  ])('kid injection (%s), validly signed: refused TOKEN_INVALID', async (name, kid) => {
    const token = await signer.sign(signer.claims('alice'), { kid: kid as string });
    expect(await refusal(`kid-injection-${name}`, token)).toBe('TOKEN_INVALID');
  });

  test.each(BEYOND_DATE_RANGE)(
    'exp %p beyond the Date range, validly signed: TOKEN_INVALID, serve survives',
    async (exp) => {
      expect(await refusal('exp-beyond-date-range', await signer.sign(signer.claims('mallory', { exp })))).toBe(
        'TOKEN_INVALID',
      );
    },
  );

  test.each(['iat', 'nbf'])('%s beyond the Date range, validly signed: TOKEN_INVALID', async (claim) => {
    for (const value of [1e300, -1e300]) {
      const token = await signer.sign(signer.claims('mallory', { [claim]: value }));
      expect(await refusal(`${claim}-beyond-date-range`, token)).toBe('TOKEN_INVALID');
    }
  });

  test('iat ten years in the future, validly signed: TOKEN_INVALID', async () => {
    const iat = Math.floor(Date.now() / 1000) + TEN_YEARS_S;
    const token = await signer.sign(signer.claims('mallory', { iat, exp: iat + 300 }));
    expect(await refusal('iat-far-future', token)).toBe('TOKEN_INVALID');
  });

  test('exp ten years ahead, validly signed: TOKEN_INVALID (over the maximum lifetime)', async () => {
    const token = await signer.sign(signer.claims('mallory', { exp: Math.floor(Date.now() / 1000) + TEN_YEARS_S }));
    expect(await refusal('exp-ten-years', token)).toBe('TOKEN_INVALID');
  });

  test('a payload that is not valid UTF-8, validly signed: TOKEN_INVALID', async () => {
    const json = Buffer.from(JSON.stringify(signer.claims('mallory', { name: 'XX' })));
    const at = json.indexOf('XX');
    json[at] = 0xff;
    json[at + 1] = 0xfe;
    expect(await refusal('payload-not-utf8', await signer.signBytes(json))).toBe('TOKEN_INVALID');
  });

  test('a payload that starts with a byte order mark, validly signed: TOKEN_INVALID', async () => {
    const payload = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(signer.claims('mallory'))),
    ]);
    expect(await refusal('payload-bom', await signer.signBytes(payload))).toBe('TOKEN_INVALID');
  });

  test('a payload that is a JSON array, validly signed: TOKEN_INVALID', async () => {
    expect(await refusal('payload-array', await signer.signBytes(Buffer.from('["sub","alice"]')))).toBe(
      'TOKEN_INVALID',
    );
  });

  test('a refresh token used as an access token is refused with a typed code', async () => {
    const token = await signer.sign(signer.claims('mallory', { token_type: 'refresh', jti: 'r1' }));
    expect(await refusal('refresh-as-access', token)).toBe('TOKEN_WRONG_TYPE');
  });

  test('a token over 8 KiB is refused TOKEN_INVALID', async () => {
    const token = await signer.sign(signer.claims('mallory', { pad: 'p'.repeat(9_000) }));
    expect(await refusal('token-oversize', token)).toBe('TOKEN_INVALID');
  });

  test('Bearer <alice> with subprotocol jwt.<mallory>: conflicting credentials refused TOKEN_INVALID', async () => {
    const alice = await signer.sign(signer.claims('alice'));
    const mallory = await signer.sign(signer.claims('mallory'));
    expect(await refusal('conflicting-credentials', alice, { protocols: [`jwt.${mallory}`] })).toBe('TOKEN_INVALID');
  });

  test('no credential at all is refused TOKEN_MISSING', async () => {
    expect(await refusal('no-credential', '', { via: 'none' })).toBe('TOKEN_MISSING');
  });
});

describe('tokens on an open connection (auth_refresh)', () => {
  let session: TestSession;
  let mallory: RecordingClient;
  beforeEach(async () => {
    session = createTestSession('attack-auth-refresh');
    mallory = await connectUser(session, serve, 'mallory', { token: await signer.sign(signer.claims('mallory')) });
  });

  test.each(BEYOND_DATE_RANGE)('auth_refresh with exp %p: TOKEN_INVALID, the connection stays open', async (exp) => {
    const token = await signer.sign(signer.claims('mallory', { exp }));
    const answer = await answerTo(mallory, JSON.stringify({ type: 'auth_refresh', request_id: 'ref-1', token }));
    expect(answer).toMatchObject({ error_code: 'TOKEN_INVALID', request_id: 'ref-1' });
    expect(mallory.isOpen).toBe(true);
    await expectNoViolations(session);
  });

  test('auth_refresh with an exp ten years ahead: TOKEN_INVALID, the connection keeps its expiry', async () => {
    const token = await signer.sign(signer.claims('mallory', { exp: Math.floor(Date.now() / 1000) + TEN_YEARS_S }));
    const answer = await answerTo(mallory, JSON.stringify({ type: 'auth_refresh', request_id: 'ref-2', token }));
    expect(answer).toMatchObject({ error_code: 'TOKEN_INVALID', request_id: 'ref-2' });
    await expectNoViolations(session);
  });

  test("auth_refresh with another user's valid token: AUTH_USER_MISMATCH, then close 1008", async () => {
    const token = await signer.sign(signer.claims('alice'));
    const answer = await answerTo(mallory, JSON.stringify({ type: 'auth_refresh', request_id: 'ref-3', token }));
    expect(answer).toMatchObject({ error_code: 'AUTH_USER_MISMATCH' });
    expect((await mallory.closed).code).toBe(1008);
    await expectNoViolations(session);
  });
});

describe('foreign runs', () => {
  test("resume and cancel_run of another user's run: FORBIDDEN, the same answer as for a run that never existed", async () => {
    const session = createTestSession('attack-foreign-run');
    const alice = await connectUser(session, serve, 'alice', { token: await signer.sign(signer.claims('alice')) });
    const mallory = await connectUser(session, serve, 'mallory', {
      token: await signer.sign(signer.claims('mallory')),
    });
    const runId = await alice.startRun('alice-1', MULTI_TOOL_REQUEST);
    const ghost = `run_${'Z'.repeat(runId.length - 4)}`;
    const answers: Record<string, Msg> = {};
    for (const [name, frame] of [
      ['cancel', { type: 'cancel_run', request_id: 'c-1', run_id: runId }],
      ['cancel-ghost', { type: 'cancel_run', request_id: 'c-1', run_id: ghost }],
      ['resume', { type: 'resume', request_id: 'r-1', run_id: runId, last_seq: 0 }],
      ['resume-ghost', { type: 'resume', request_id: 'r-1', run_id: ghost, last_seq: 0 }],
    ] as const) {
      answers[name] = await answerTo(mallory, JSON.stringify(frame));
    }
    const strip = (m: Msg): unknown => ({ ...m, run_id: undefined, timestamp: undefined });
    expect(answers.cancel).toMatchObject({ error_code: 'FORBIDDEN', run_id: runId });
    expect(strip(answers.cancel)).toEqual(strip(answers['cancel-ghost']));
    expect(answers.resume).toMatchObject({ error_code: 'FORBIDDEN', run_id: runId });
    expect(strip(answers.resume)).toEqual(strip(answers['resume-ghost']));
    // Alice's run was neither cancelled nor seen by mallory.
    expect(await alice.waitForTerminal(runId)).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect(mallory.frames.filter((f) => f.run_id === runId && f.type !== 'error_message')).toEqual([]);
    await expectNoViolations(session);
  });

  test.each(['__proto__', 'constructor', 'hasOwnProperty'])(
    'a user named %j is one more isolated user: its run completes, nobody else sees it',
    async (sub) => {
      const session = createTestSession('attack-prototype-user');
      const odd = await connectUser(session, serve, sub, { token: await signer.sign(signer.claims(sub)) });
      const other = await connectUser(session, serve, 'bob', { token: await signer.sign(signer.claims('bob')) });
      const runId = await odd.startRun('odd-1');
      expect(await odd.waitForTerminal(runId)).toMatchObject({ type: 'agent_completed' });
      expect(other.frames.filter((f) => f.run_id === runId)).toEqual([]);
      await expectNoViolations(session);
    },
  );
});

describe('hostile frames on an open connection', () => {
  let session: TestSession;
  let mallory: RecordingClient;
  beforeEach(async () => {
    session = createTestSession('attack-frames');
    mallory = await connectUser(session, serve, 'mallory', { token: await signer.sign(signer.claims('mallory')) });
  });

  const cases: [string, () => string | Buffer, string][] = [
    ['10,000-level nesting', () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'NESTING_TOO_DEEP'],
    [
      '10,000-level nesting inside a start_agent',
      () =>
        `{"type":"start_agent","request_id":"deep-1","user_request":"x","context":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      'NESTING_TOO_DEEP',
    ],
    [
      '__proto__ at the top of a message',
      () => '{"type":"start_agent","request_id":"pp-1","user_request":"x","__proto__":{"polluted":true}}',
      'SCHEMA_VALIDATION_FAILED',
    ],
    [
      'constructor.prototype in a context',
      () =>
        '{"type":"start_agent","request_id":"pp-2","user_request":"x","context":{"constructor":{"prototype":{"polluted":true}}}}',
      'SCHEMA_VALIDATION_FAILED',
    ],
    [
      '__proto__ in a resume',
      () => '{"type":"resume","run_id":"run_x","last_seq":0,"__proto__":{"isAdmin":true}}',
      'SCHEMA_VALIDATION_FAILED',
    ],
    [
      'a lone surrogate as raw bytes (CESU-8)',
      () =>
        Buffer.concat([
          Buffer.from('{"type":"start_agent","request_id":"ls-1","user_request":"'),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]),
      'INVALID_UTF8',
    ],
    ['invalid UTF-8', () => Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'INVALID_UTF8'],
    ['an oversize frame (64 KiB + 1)', () => `{"request_id":"big-1","x":"${'x'.repeat(65_536)}"}`, 'FRAME_TOO_LARGE'],
    ['not JSON', () => 'GET / HTTP/1.1', 'INVALID_JSON'],
    ['JSON null', () => 'null', 'SCHEMA_VALIDATION_FAILED'],
    ['a JSON array', () => '[{"type":"start_agent"}]', 'SCHEMA_VALIDATION_FAILED'],
    ['an unknown type', () => '{"type":"drop_tables"}', 'UNKNOWN_MESSAGE_TYPE'],
    ['a type that is not a string', () => '{"type":{"toString":"x"}}', 'UNKNOWN_MESSAGE_TYPE'],
    ['a type named __proto__', () => '{"type":"__proto__"}', 'UNKNOWN_MESSAGE_TYPE'],
    ['last_seq of 1e308', () => '{"type":"resume","run_id":"run_x","last_seq":1e308}', 'SCHEMA_VALIDATION_FAILED'],
    [
      'a 60 KiB user_request of emoji',
      () => JSON.stringify({ type: 'start_agent', request_id: 'emo-1', user_request: '\u{1F600}'.repeat(15_000) }),
      'SCHEMA_VALIDATION_FAILED',
    ],
  ];

  test.each(cases)('%s: a typed error_message, the connection stays open', async (_name, frame, code) => {
    const answer = await answerTo(mallory, frame());
    expect(answer.error_code).toBe(code);
    expect(mallory.isOpen).toBe(true);
    await expectNoViolations(session);
  });

  test('a binary frame: BINARY_NOT_SUPPORTED, the connection stays open', async () => {
    const from = mallory.mark();
    mallory.ws.send(Buffer.from([0, 1, 2, 0xff]), { binary: true });
    const answer = await mallory.waitFor((m) => m.type === 'error_message', { from });
    expect(answer.error_code).toBe('BINARY_NOT_SUPPORTED');
    await expectNoViolations(session);
  });

  test('a lone surrogate escaped in JSON (\\ud800) is valid JSON: the run starts and ends normally', async () => {
    const answer = await mallory.start('ls-2', { user_request: 'cut costs \ud800 please \udfff' });
    expect(answer.type).toBe('agent_started');
    expect(await mallory.waitForTerminal(answer.run_id as string)).toMatchObject({ type: 'agent_completed' });
    await expectNoViolations(session);
  });

  test('a flood of 200 frames at once: every frame answered (RATE_LIMITED past the burst), nothing dropped silently', async () => {
    const from = mallory.mark();
    for (let i = 0; i < 200; i++)
      mallory.sendRaw(`{"type":"resume","request_id":"f-${i}","run_id":"run_ZZZZZZZZZZZZ","last_seq":0}`);
    await mallory
      .waitFor(() => mallory.frames.length - from >= 200, { from, timeoutMs: 15_000, what: '200 answers' })
      .catch(() => undefined);
    const answers = mallory.frames.slice(from);
    expect(answers).toHaveLength(200);
    expect(new Set(answers.map((a) => a.error_code))).toEqual(new Set(['FORBIDDEN', 'RATE_LIMITED']));
    // Each frame answered exactly once, matched by its request_id (a frame refused RATE_LIMITED while earlier ones
    // wait behind an async handler is answered at once, ahead of them).
    expect(answers.map((a) => a.request_id).sort()).toEqual(Array.from({ length: 200 }, (_, i) => `f-${i}`).sort());
    await expectNoViolations(session);
  });

  test('a frame over the hard limit (2 MiB) closes with 1009', async () => {
    mallory.sendRaw('x'.repeat(2 * 1024 * 1024));
    expect((await mallory.closed).code).toBe(1009);
    await expectNoViolations(session);
  });

  const violations: [string, Buffer][] = [
    ['an unmasked client frame', Buffer.from([0x81, 0x02, 0x7b, 0x7d])],
    ['RSV1 set without an extension', Buffer.from([0xc1, 0x80, 1, 2, 3, 4])],
    ['a reserved opcode (0x3)', Buffer.from([0x83, 0x80, 1, 2, 3, 4])],
    ['a fragmented control frame', Buffer.from([0x09, 0x80, 1, 2, 3, 4])],
    ['a continuation frame with nothing to continue', Buffer.from([0x80, 0x80, 1, 2, 3, 4])],
    [
      'a ping with 126 bytes of payload',
      Buffer.concat([Buffer.from([0x89, 0xfe, 0, 126, 0, 0, 0, 0]), Buffer.alloc(126)]),
    ],
    ['a close frame with code 999', Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7])],
    ['a 64-bit length with the top bit set', Buffer.from([0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])],
    ['a 2^53 length', Buffer.from([0x81, 0xff, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
  ];

  test.each(violations)('protocol violation, %s: closed with a documented close code', async (_name, bytes) => {
    rawSocket(mallory).write(bytes);
    const { code } = await mallory.closed;
    expect(DOCUMENTED_CLOSE_CODES).toContain(code);
    // The server's side of it (the close, what it sent before) holds every rule too.
    await expectNoViolations(session);
  });
});

describe('after every attack', () => {
  test('the same serve process is up, logged no internal error and no token, and a bystander run completes', async () => {
    expect(serve.proc.exitCode).toBeNull();
    expect(serve.proc.signalCode).toBeNull();
    const health = await fetch(serve.wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '/healthz'));
    expect(health.status).toBe(200);

    const session = createTestSession('attack-bystander');
    const bystander = await connectUser(session, serve, 'bystander');
    const runId = await bystander.startRun('by-1', MULTI_TOOL_REQUEST);
    expect(await bystander.waitForTerminal(runId)).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect([...new Set(bystander.runEvents(runId).map((e) => e.type))].sort()).toEqual(RUN_EVENT_TYPES_OF_A_FULL_RUN);
    const seqs = bystander.runEvents(runId).map((e) => e.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    await expectNoViolations(session);

    const logs = [...serve.lines, serve.stderr()].join('\n');
    expect(logs).not.toMatch(/"level":"error"/);
    expect(logs).not.toMatch(/RangeError|unhandled|Unhandled/);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/);
  });
});
