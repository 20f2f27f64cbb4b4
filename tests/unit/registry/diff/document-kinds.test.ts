// Table-driven: every document-level change kind (messages, channels, operations, servers, security, the rest),
// as a before/after pair of documents, reversed, and judged under every mode.
import {
  changeKinds,
  compatibilityModes,
  diffDocuments,
  documentModelFromSpec,
  isBreaking,
  type ChangeKind,
  type JudgedChange,
} from '../../../../src/registry';
import { base, documentCases, specOf, tagged, type DocCase, type DocInput } from './document-cases';

function diffOf(a: DocInput, b: DocInput): JudgedChange[] {
  return diffDocuments(documentModelFromSpec(specOf(a)), documentModelFromSpec(specOf(b))).changes;
}

function before(c: DocCase): DocInput {
  const d = structuredClone(base());
  c.setup?.(d);
  return d;
}

function edited(c: DocCase): DocInput {
  const d = before(c);
  c.edit(d);
  return d;
}

describe('the base document', () => {
  it('differs from itself in nothing', () => {
    expect(diffOf(base(), base())).toEqual([]);
  });
});

describe.each(documentCases.map((c) => [`${c.kind} at ${c.path}`, c] as const))('%s', (_name, c) => {
  it(`documents the rule: ${c.kind} breaks ${c.breaks}`, () => {
    expect(changeKinds[c.kind].breaks).toBe(c.breaks);
  });

  it('is reported at its path, for its message, and nothing else', () => {
    const changes = diffOf(before(c), edited(c));
    expect(changes.map((x) => x.kind).sort()).toEqual([c.kind, ...(c.extra ?? [])].sort());
    const found = changes.find((x) => x.kind === c.kind)!;
    expect(found.path).toBe(c.path);
    expect(found.message).toBe(c.message);
  });

  it('reversed, is reported as its mirror', () => {
    const reversed = diffOf(edited(c), before(c));
    if (c.mirror !== undefined) expect(reversed.map((x) => x.kind)).toContain(c.mirror);
    if (c.asymmetric !== true) {
      const union = (kinds: ChangeKind[]): { b: boolean; f: boolean } => ({
        b: kinds.some((k) => ['backward', 'both'].includes(changeKinds[k].breaks)),
        f: kinds.some((k) => ['forward', 'both'].includes(changeKinds[k].breaks)),
      });
      const f = union(diffOf(before(c), edited(c)).map((x) => x.kind));
      const r = union(reversed.map((x) => x.kind));
      expect(r).toEqual({ b: f.f, f: f.b });
    }
  });

  it('is breaking exactly under the modes that check its direction', () => {
    for (const mode of compatibilityModes) {
      const backward = mode.startsWith('BACKWARD') || mode.startsWith('FULL');
      const forward = mode.startsWith('FORWARD') || mode.startsWith('FULL');
      const expected =
        (backward && ['backward', 'both'].includes(c.breaks)) || (forward && ['forward', 'both'].includes(c.breaks));
      expect(isBreaking(c.kind, mode)).toBe(expected);
    }
  });
});

describe('judging', () => {
  const added = (direction: 'send' | 'receive'): DocInput => {
    const d = base();
    d.messages.extra = { payload: tagged('extra') };
    d.channels.ch.messages.push('extra');
    d.operations.op = { action: direction, channel: 'ch', messages: ['extra'] };
    return d;
  };

  it('judges a message by its direction: a new server message breaks FORWARD_TRANSITIVE, a new client message does not', () => {
    const sent = diffDocuments(documentModelFromSpec(specOf(base())), documentModelFromSpec(specOf(added('send'))));
    const received = diffDocuments(
      documentModelFromSpec(specOf(base())),
      documentModelFromSpec(specOf(added('receive'))),
    );
    expect(sent.changes.find((c) => c.kind === 'MESSAGE_ADDED')).toMatchObject({
      breaking: true,
      mode: 'FORWARD_TRANSITIVE',
    });
    expect(sent.compatible).toBe(false);
    expect(received.changes.find((c) => c.kind === 'MESSAGE_ADDED')).toMatchObject({
      breaking: false,
      mode: 'BACKWARD_TRANSITIVE',
    });
    expect(received.compatible).toBe(true);
  });

  it("with role 'client', send and receive swap", () => {
    const sent = diffDocuments(documentModelFromSpec(specOf(base())), documentModelFromSpec(specOf(added('send'))), {
      role: 'client',
    });
    expect(sent.changes.find((c) => c.kind === 'MESSAGE_ADDED')).toMatchObject({
      breaking: false,
      mode: 'BACKWARD_TRANSITIVE',
    });
  });

  it('--mode judges every change, message or document, by that mode', () => {
    const d = added('receive');
    d.servers.prod.security.push('jwt');
    const report = diffDocuments(documentModelFromSpec(specOf(base())), documentModelFromSpec(specOf(d)), {
      mode: 'FULL',
    });
    expect(report.changes.every((c) => c.mode === 'FULL')).toBe(true);
    expect(report.changes.find((c) => c.kind === 'SERVER_SECURITY_ADDED')?.breaking).toBe(true);
    expect(report.changes.find((c) => c.kind === 'MESSAGE_ADDED')?.breaking).toBe(true);
    const none = diffDocuments(documentModelFromSpec(specOf(base())), documentModelFromSpec(specOf(d)), {
      mode: 'NONE',
    });
    expect(none.compatible).toBe(true);
  });

  it('judges document-level changes by the document mode (BACKWARD_TRANSITIVE by default)', () => {
    const d = base();
    d.servers.prod.security.push('jwt');
    const report = diffDocuments(documentModelFromSpec(specOf(base())), documentModelFromSpec(specOf(d)));
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({
      kind: 'SERVER_SECURITY_ADDED',
      mode: 'BACKWARD_TRANSITIVE',
      breaking: false,
    });
    const strict = diffDocuments(documentModelFromSpec(specOf(base())), documentModelFromSpec(specOf(d)), {
      documentMode: 'FULL_TRANSITIVE',
    });
    expect(strict.compatible).toBe(false);
  });

  it('uses per-message overrides', () => {
    const d = base();
    d.messages.ping.payload = {
      ...tagged('ping'),
      properties: { ...(tagged('ping').properties as object), seq: { type: 'number' } },
    };
    const judged = (modes?: Record<string, 'NONE'>): boolean =>
      diffDocuments(documentModelFromSpec(specOf(base())), documentModelFromSpec(specOf(d)), { messageModes: modes })
        .compatible;
    expect(judged()).toBe(false); // TYPE_EXTENDED on a FORWARD_TRANSITIVE message
    expect(judged({ ping: 'NONE' })).toBe(true);
  });
});

describe('tolerant reader (x-netra-tolerant-reader on the channel)', () => {
  const tolerant = (d: DocInput): DocInput => {
    d.channels.ch.raw = { ...d.channels.ch.raw, 'x-netra-tolerant-reader': true };
    return d;
  };
  const withMessage = (d: DocInput, direction: 'send' | 'receive'): DocInput => {
    d.messages.extra = { payload: tagged('extra') };
    d.channels.ch.messages.push('extra');
    d.operations.op = { action: direction, channel: 'ch', messages: ['extra'] };
    return d;
  };
  const judge = (a: DocInput, b: DocInput, mode?: 'FORWARD'): ReturnType<typeof diffDocuments> =>
    diffDocuments(documentModelFromSpec(specOf(a)), documentModelFromSpec(specOf(b)), mode ? { mode } : {});

  it('a new server-to-client message is compatible under FORWARD when the old document promises it', () => {
    const report = judge(tolerant(base()), withMessage(tolerant(base()), 'send'));
    const added = report.changes.find((c) => c.message === 'extra')!;
    expect(added).toMatchObject({
      kind: 'MESSAGE_ADDED_TO_TOLERANT_READER',
      breaking: false,
      mode: 'FORWARD_TRANSITIVE',
    });
    expect(report.compatible).toBe(true);
  });

  it('and breaking when it does not (no promise, or a promise made only by the new document)', () => {
    const none = judge(base(), withMessage(base(), 'send'));
    expect(none.changes.find((c) => c.message === 'extra')).toMatchObject({ kind: 'MESSAGE_ADDED', breaking: true });
    expect(none.compatible).toBe(false);
    const promisedLate = judge(base(), withMessage(tolerant(base()), 'send'));
    expect(promisedLate.changes.find((c) => c.message === 'extra')?.kind).toBe('MESSAGE_ADDED');
  });

  it('a new client-to-server message stays MESSAGE_ADDED (the server does not ignore unknown types)', () => {
    const report = judge(tolerant(base()), withMessage(tolerant(base()), 'receive'), 'FORWARD');
    expect(report.changes.find((c) => c.message === 'extra')).toMatchObject({ kind: 'MESSAGE_ADDED', breaking: true });
  });

  it('removing a server message stays MESSAGE_REMOVED, breaking', () => {
    const report = judge(withMessage(tolerant(base()), 'send'), tolerant(base()));
    expect(report.changes.find((c) => c.message === 'extra')).toMatchObject({
      kind: 'MESSAGE_REMOVED',
      breaking: true,
    });
  });

  it('with role client, the tolerant side is the one the document calls receive', () => {
    const sent = diffDocuments(
      documentModelFromSpec(specOf(tolerant(base()))),
      documentModelFromSpec(specOf(withMessage(tolerant(base()), 'receive'))),
      { role: 'client' },
    );
    expect(sent.changes.find((c) => c.message === 'extra')?.kind).toBe('MESSAGE_ADDED_TO_TOLERANT_READER');
  });
});
