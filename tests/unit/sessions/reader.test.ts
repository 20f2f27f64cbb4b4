import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import {
  readSessionLines,
  sessionTextLines,
  MAX_RECORD_DEPTH,
  nestsDeeperThan,
  parseSessionText,
  readSession,
  SessionError,
  visitSessionFile,
  visitSessionText,
  type SessionRecord,
} from '../../../src/sessions';

const HEADER =
  '{"kind":"header","spec":"Netra Agent WebSocket@1.0.0","scenario":"t","recorded_at":"2026-11-24T10:15:30.000Z","provider":"p"}';
const lines = (...rest: string[]): string => [HEADER, ...rest].join('\n');

/** The error of reading `text` into records, or (`fields`) with a visitor that takes frames as fields. */
function errorOf(text: string, fields = false): SessionError {
  try {
    if (fields) visitSessionText(text, 'x.session.jsonl', { record: () => undefined, frame: () => undefined });
    else parseSessionText(text, 'x.session.jsonl');
  } catch (err) {
    if (err instanceof SessionError) return err;
    throw err;
  }
  throw new Error('expected a SessionError');
}

describe('session reader', () => {
  it('reads header and records with their line numbers, skipping blank lines and CRs', () => {
    const text = lines(
      '{"kind":"open","t":0,"conn":"c1","user":"alice"}',
      '',
      '{"kind":"frame","t":5,"conn":"c1","dir":"s2c","msg":{"type":"connection_established"}}\r',
      '{"kind":"frame","t":6,"conn":"c1","dir":"c2s","raw":"not json"}',
      '{"kind":"open","t":7,"conn":"c2","user":null}',
      '{"kind":"close","t":9,"conn":"c1","code":1000,"reason":"bye","by":"client"}',
    );
    const session = parseSessionText(`${text}\n`, 'x.session.jsonl');
    expect(session.header.scenario).toBe('t');
    expect(session.records.map((r) => [r.kind, r.line])).toEqual([
      ['open', 2],
      ['frame', 4],
      ['frame', 5],
      ['open', 6],
      ['close', 7],
    ]);
    expect(session.records[1]).toMatchObject({ dir: 's2c', msg: { type: 'connection_established' } });
    expect(session.records[2]).toMatchObject({ raw: 'not json' });
    expect(session.records[3]).toMatchObject({ user: null });
    expect(session.lines).toBe(7);
  });

  it.each([
    ['an empty file', '', /:1: empty session/],
    [
      'a first line that is not the header',
      '{"kind":"open","t":0,"conn":"c","user":"a"}',
      /:1: line 1 must be the header/,
    ],
    ['a line that is not JSON', lines('{"kind":"open",'), /:2: not JSON/],
    ['a record that is not an object', lines('[1,2]'), /:2: a record must be a JSON object/],
    ['an unknown kind', lines('{"kind":"ping","t":0,"conn":"c"}'), /:2: "kind" must be/],
    ['a second header', lines(HEADER), /a second header/],
    ['a missing t', lines('{"kind":"open","conn":"c","user":"a"}'), /:2: open: "t" must be a finite number/],
    [
      'a frame before its open',
      lines('{"kind":"frame","t":0,"conn":"c","dir":"s2c","msg":{}}'),
      /:2: frame for conn "c" before any open record/,
    ],
    [
      'a frame after its close',
      lines(
        '{"kind":"open","t":0,"conn":"c","user":"a"}',
        '{"kind":"close","t":1,"conn":"c","code":1000,"reason":"","by":"client"}',
        '{"kind":"frame","t":2,"conn":"c","dir":"s2c","msg":{}}',
      ),
      /:4: frame for conn "c" after its close/,
    ],
    [
      'a conn opened twice',
      lines('{"kind":"open","t":0,"conn":"c","user":"a"}', '{"kind":"open","t":0,"conn":"c","user":"a"}'),
      /:3: conn "c" is opened twice/,
    ],
    [
      'a frame with msg and raw',
      lines(
        '{"kind":"open","t":0,"conn":"c","user":"a"}',
        '{"kind":"frame","t":0,"conn":"c","dir":"s2c","msg":{},"raw":"x"}',
      ),
      /:3: frame: needs exactly one of "msg" and "raw"/,
    ],
    [
      'a bad dir',
      lines('{"kind":"open","t":0,"conn":"c","user":"a"}', '{"kind":"frame","t":0,"conn":"c","dir":"up","msg":{}}'),
      /"dir" must be "c2s" or "s2c"/,
    ],
    [
      'a close without by',
      lines('{"kind":"open","t":0,"conn":"c","user":"a"}', '{"kind":"close","t":0,"conn":"c","code":1000}'),
      /"by" must be "client" or "server"/,
    ],
    ['an empty user', lines('{"kind":"open","t":0,"conn":"c","user":""}'), /"user" must be a non-empty string or null/],
    [
      'an unknown token kind',
      lines('{"kind":"open","t":0,"conn":"c","user":"a","token_kind":"stolen"}'),
      /:2: open: "token_kind" must be one of valid, none, expired, /,
    ],
    [
      'a token kind on a server frame',
      lines(
        '{"kind":"open","t":0,"conn":"c","user":"a"}',
        '{"kind":"frame","t":0,"conn":"c","dir":"s2c","msg":{},"token_kind":"expired"}',
      ),
      /:3: frame: "token_kind" belongs on a client frame \(c2s\) only/,
    ],
    [
      // Found by an attack: a 100,000-deep message made `verify` die with "Maximum call stack size exceeded".
      'a message nested 100,000 levels deep',
      lines(
        '{"kind":"open","t":0,"conn":"c","user":"a"}',
        `{"kind":"frame","t":1,"conn":"c","dir":"s2c","msg":{"type":"x","p":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
      ),
      /:3: a record nested deeper than 1000 levels \(the format's limit\)/,
    ],
  ])('refuses %s with SESSION_INVALID and the line', (_name, text, message) => {
    const err = errorOf(text);
    expect(err.code).toBe('SESSION_INVALID');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
    // A visitor that takes frames as fields (verify's) gets the very same error.
    expect(errorOf(text, true).message).toBe(err.message);
  });

  it('hands a frame visitor the fields of each frame record, the other records as records', () => {
    const text = lines(
      '{"kind":"open","t":0,"conn":"c1","user":"alice"}',
      '{"kind":"frame","t":5,"conn":"c1","dir":"s2c","msg":{"type":"connection_established"}}',
      '{"kind":"frame","t":6,"conn":"c1","dir":"c2s","raw":"not json","token_kind":"expired"}',
      '{"kind":"close","t":9,"conn":"c1","code":1000,"reason":"bye","by":"client"}',
    );
    const asRecords = parseSessionText(text, 'x.session.jsonl').records;
    const seen: SessionRecord[] = [];
    visitSessionText(text, 'x.session.jsonl', {
      record: (r) => seen.push(r),
      frame: (conn, dir, msg, raw, t, line, tokenKind) => {
        const r = { kind: 'frame', t, conn, dir, line } as Record<string, unknown>;
        if (msg !== undefined) r.msg = msg;
        if (raw !== undefined) r.raw = raw;
        if (tokenKind !== undefined) r.token_kind = tokenKind;
        seen.push(r as unknown as SessionRecord);
      },
    });
    expect(seen).toEqual(asRecords);
  });

  it('streams records to a visitor without building a list', () => {
    const seen: string[] = [];
    const count = visitSessionText(lines('{"kind":"open","t":0,"conn":"c","user":"a"}'), 'v', {
      header: (h) => seen.push(h.kind),
      record: (r) => seen.push(r.kind),
    });
    expect(seen).toEqual(['header', 'open']);
    expect(count).toBe(2);
  });

  it('reads token_kind on open records and client frames (absent means valid)', () => {
    const { records } = parseSessionText(
      lines(
        '{"kind":"open","t":0,"conn":"c","user":null,"token_kind":"alg_none"}',
        '{"kind":"open","t":0,"conn":"d","user":"a"}',
        '{"kind":"frame","t":1,"conn":"d","dir":"c2s","msg":{"type":"auth_refresh","token":"<redacted>"},"token_kind":"expired"}',
      ),
    );
    expect(records.map((r) => (r as { token_kind?: string }).token_kind)).toEqual(['alg_none', undefined, 'expired']);
  });

  it('finds nesting past a depth without parsing, ignoring brackets inside strings', () => {
    expect(nestsDeeperThan('[[1]]', 1)).toBe(true);
    expect(nestsDeeperThan('[[1]]', 2)).toBe(false);
    expect(nestsDeeperThan('{"a":"[[[[[[[[[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":"\\"}', 0)).toBe(true);
    const deep = `${'{"a":'.repeat(MAX_RECORD_DEPTH)}1${'}'.repeat(MAX_RECORD_DEPTH)}`;
    expect(nestsDeeperThan(deep, MAX_RECORD_DEPTH)).toBe(false);
    expect(nestsDeeperThan(`[${deep}]`, MAX_RECORD_DEPTH)).toBe(true);
  });

  describe('files', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'reader-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a file', async () => {
      const file = path.join(dir, 'a.session.jsonl');
      writeFileSync(file, lines('{"kind":"open","t":0,"conn":"c","user":"a"}'));
      expect((await readSession(file)).records).toHaveLength(1);
    });

    it('streams a file in chunks to the same records as the text, whatever the chunk size', async () => {
      // Multi-byte characters and CRLFs split across chunk boundaries, a last line without a newline.
      const text = lines(
        '{"kind":"open","t":0,"conn":"c","user":"zoë"}',
        '{"kind":"frame","t":5,"conn":"c","dir":"s2c","msg":{"type":"agent_thinking","reasoning":"€ 12 · 日本語 😀"}}\r',
        '',
        '{"kind":"frame","t":6,"conn":"c","dir":"c2s","raw":"\\u0000 not json"}',
        '{"kind":"close","t":9,"conn":"c","code":1000,"reason":"ciao 👋","by":"client"}',
      );
      const file = path.join(dir, 'chunks.session.jsonl');
      writeFileSync(file, text);
      const expected = parseSessionText(text, file);
      for (const chunkBytes of [1, 2, 3, 7, 64, 1 << 20]) {
        const records: SessionRecord[] = [];
        const count = await visitSessionFile(file, { record: (r) => records.push(r) }, { chunkBytes });
        expect(count).toBe(expected.lines);
        expect(records).toEqual(expected.records);
      }
    });

    it('refuses a line longer than the limit while streaming, with its line number', async () => {
      const file = path.join(dir, 'long.session.jsonl');
      writeFileSync(
        file,
        lines('{"kind":"open","t":0,"conn":"c","user":"a"}', `{"kind":"x","pad":"${'x'.repeat(5000)}"}`),
      );
      await expect(
        visitSessionFile(file, { record: () => undefined }, { chunkBytes: 512, maxLineChars: 1000 }),
      ).rejects.toMatchObject({
        code: 'SESSION_INVALID',
        line: 3,
        message: expect.stringMatching(/:3: a line longer than 1000/),
      });
    });

    it('reads back chosen lines by number, from text or streamed from a file', async () => {
      const text = lines(
        '{"kind":"open","t":0,"conn":"c","user":"a"}',
        `{"kind":"frame","t":1,"conn":"c","dir":"s2c","raw":"${'x'.repeat(3000)}"}\r`,
        '{"kind":"frame","t":2,"conn":"c","dir":"s2c","msg":{"type":"ünïcode"}}',
        '{"kind":"close","t":3,"conn":"c","code":1000,"reason":"","by":"client"}',
      );
      const file = path.join(dir, 'lines.session.jsonl');
      writeFileSync(file, text);
      const wanted = new Set([2, 4, 5, 99]);
      const fromText = sessionTextLines(text, wanted);
      expect([...fromText.keys()]).toEqual([2, 4, 5]);
      expect(fromText.get(4)).toBe('{"kind":"frame","t":2,"conn":"c","dir":"s2c","msg":{"type":"ünïcode"}}');
      expect(await readSessionLines(file, wanted)).toEqual(fromText);
      expect(await readSessionLines(file, new Set())).toEqual(new Map());
    });

    it('reports a missing file as SESSION_UNREADABLE', async () => {
      await expect(readSession(path.join(dir, 'missing.jsonl'))).rejects.toMatchObject({
        code: 'SESSION_UNREADABLE',
        exitCode: 2,
      });
    });
  });
});
