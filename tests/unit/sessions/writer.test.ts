import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { PassThrough } from 'stream';
import { createSessionWriter, parseSessionText, redactClientMessage, redactTokens } from '../../../src/sessions';

const JWT = 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

describe('session writer', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'writer-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the fixed format, with a stable key order, that the reader reads back', async () => {
    const file = path.join(dir, 'nested', 'a.session.jsonl');
    let now = 0;
    const w = createSessionWriter(
      file,
      {
        scenario: 'happy',
        provider: 'reference',
        spec: 'Netra Agent WebSocket@1.0.0',
        recorded_at: '2026-11-24T10:15:30.000Z',
      },
      { clock: () => now },
    );
    w.open('c1', 'alice');
    now = 12;
    w.frameText('c1', 's2c', '{"type":"connection_established","user_id":"alice"}');
    w.frameText('c1', 'c2s', 'not json');
    w.frame('c1', 'c2s', { type: 'start_agent', request_id: 'r1', user_request: 'hi' }, 20);
    w.close('c1', 1000, 'done', 'client');
    expect(w.lines).toBe(6);
    await w.end();
    const text = readFileSync(file, 'utf8');
    const [header, open, frame] = text.split('\n');
    expect(header).toBe(
      '{"kind":"header","spec":"Netra Agent WebSocket@1.0.0","scenario":"happy","recorded_at":"2026-11-24T10:15:30.000Z","provider":"reference"}',
    );
    expect(open).toBe('{"kind":"open","t":0,"conn":"c1","user":"alice"}');
    expect(frame).toBe(
      '{"kind":"frame","t":12,"conn":"c1","dir":"s2c","msg":{"type":"connection_established","user_id":"alice"}}',
    );
    const session = parseSessionText(text, file);
    expect(session.records.map((r) => r.kind)).toEqual(['open', 'frame', 'frame', 'frame', 'close']);
    expect(session.records[2]).toMatchObject({ raw: 'not json' });
    expect(session.records[3]).toMatchObject({ t: 20 });
  });

  it('never writes a token: auth_refresh.token and JWT-looking strings are redacted', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    const w = createSessionWriter(out, { scenario: 's', provider: 'p', spec: 'x@1' });
    w.open('c1', 'alice', 0);
    w.frame('c1', 'c2s', { type: 'auth_refresh', token: 'short-bad-token' }, 1);
    w.frameText('c1', 'c2s', `{"type":"auth_refresh","token":"${JWT}","request_id":"r"}`, 2);
    w.frameText('c1', 'c2s', `garbage ${JWT}`, 3);
    w.frame('c1', 's2c', { type: 'error_message', details: { echoed: JWT } }, 4);
    await w.end();
    expect(text).not.toContain(JWT);
    expect(text).not.toContain('short-bad-token');
    expect(text.match(/<redacted>/g)).toHaveLength(4);
    expect(text).toContain('{"type":"auth_refresh","token":"<redacted>","request_id":"r"}');
  });

  it('never writes a secret it was given, whatever its shape (opaque tokens, client secrets)', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    const secrets = ['opaque-static-token-123'];
    const w = createSessionWriter(out, { scenario: 's', provider: 'p', spec: 'x@1' }, { secrets: () => secrets });
    w.open('c1', 'alice', 0);
    secrets.push('late-secret-456');
    w.frame('c1', 's2c', { type: 'error_message', error_message: 'bad token opaque-static-token-123' }, 1);
    w.frameText('c1', 'c2s', 'late-secret-456', 2);
    await w.end();
    expect(text).not.toMatch(/opaque-static-token-123|late-secret-456/);
  });

  it('writes token_kind on open records and client frames, and nothing for a valid credential', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    const w = createSessionWriter(out, { scenario: 's', provider: 'p', spec: 'x@1' });
    w.open('c1', null, 0, 'expired');
    w.open('c2', 'alice', 0, 'valid');
    w.frame('c2', 'c2s', { type: 'auth_refresh', token: 'x' }, 1, 'wrong_audience');
    w.frameText('c2', 'c2s', '{"type":"auth_refresh","token":"y"}', 2, 'valid');
    expect(() => w.open('c3', null, 0, 'stolen' as never)).toThrow(/unknown token kind "stolen"/);
    expect(() => w.frame('c2', 's2c', {}, 3, 'expired')).toThrow(/client frame only/);
    await w.end();
    const { records } = parseSessionText(text);
    expect(records.map((r) => (r as { token_kind?: string }).token_kind)).toEqual([
      'expired',
      undefined,
      'wrong_audience',
      undefined,
    ]);
    expect(text.split('\n')[1]).toBe('{"kind":"open","t":0,"conn":"c1","user":null,"token_kind":"expired"}');
  });

  it('writes a frame nested deeper than the format allows as raw text, so the file stays readable', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    const w = createSessionWriter(out, { scenario: 's', provider: 'p', spec: 'x@1' });
    w.open('c1', 'alice', 0);
    const deep = `{"type":"start_agent","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    w.frameText('c1', 'c2s', deep, 1);
    await w.end();
    const { records } = parseSessionText(text);
    expect(records[1]).toMatchObject({ kind: 'frame', dir: 'c2s', raw: deep });
  });

  it('refuses misuse with SESSION_WRITE_INVALID', async () => {
    const w = createSessionWriter(new PassThrough(), { scenario: 's', provider: 'p', spec: 'x@1' });
    expect(() => w.frame('ghost', 's2c', {}, 0)).toThrow(/never opened/);
    w.open('c1', null, 0);
    expect(() => w.open('c1', null, 0)).toThrow(/already used/);
    w.close('c1', 1008, 'auth', 'server', 1);
    expect(() => w.frame('c1', 's2c', {}, 2)).toThrow(/after its close/);
    await w.end();
    expect(() => w.open('c2', null, 3)).toThrow(/after end/);
  });

  it('redaction helpers leave other values alone', () => {
    const msg = { type: 'start_agent', request_id: 'r1', user_request: 'hello' };
    expect(redactClientMessage(msg)).toBe(msg);
    expect(redactTokens('no tokens here')).toBe('no tokens here');
  });
});
