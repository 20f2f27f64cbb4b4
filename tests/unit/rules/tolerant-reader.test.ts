// Issue 15: when the contract promises a tolerant reader (x-netra-tolerant-reader: true), a server message of a type
// the contract does not know is a warning (clients ignore it), not a violation; without the promise it stays one.
import { loadProtocol, type Protocol } from '../../../src/protocol';
import { loadProfiles, loadRules } from '../../../src/rules';
import { verifySessionText } from '../../../src/verify/offline';
import { RunBuilder, SessionBuilder } from './session-builder';

const rules = loadRules();
const profile = loadProfiles().get('local');
const contract = loadProtocol();
const promising: Protocol = { ...contract, tolerantReader: true };
const silent: Protocol = { ...contract, tolerantReader: false };

function verify(b: SessionBuilder, protocol: Protocol) {
  const report = verifySessionText(b.text(), 't.session.jsonl', { rules, profile, protocol });
  const ids = (list: { rule: string }[]) => [...new Set(list.map((v) => v.rule))].sort();
  return { errors: ids(report.violations), warnings: ids(report.warnings), report };
}

/** A run in which a newer server sends `extra` (an event of a type this contract does not know) as seq 3. */
function runWithNewEvent(extra: Record<string, unknown>): SessionBuilder {
  const b = new SessionBuilder().connect('tab1', 'alice', 0);
  const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
  b.c2s('tab1', r.startAgent(), 100);
  b.s2c('tab1', r.started(130), 130);
  b.s2c('tab1', r.thinking(200), 200);
  b.s2c('tab1', r.event('agent_progress', 250, extra), 250);
  b.s2c('tab1', r.completed(300), 300);
  return b.close('tab1', 1000, 'client', 400);
}

describe('schema.unknown-server-type (tolerant reader)', () => {
  it('with the promise, an unknown run event is a warning and its seq is followed (no gap)', () => {
    const c = verify(runWithNewEvent({ percent: 50 }), promising);
    expect(c.errors).toEqual([]);
    expect(c.warnings).toEqual(['schema.unknown-server-type']);
    expect(c.report.warnings[0]).toMatchObject({
      line: 7,
      message: expect.stringMatching(/got a server message of type "agent_progress"$/),
    });
  });

  it('without the promise, the same session breaks schema.server-message (and its seq is a gap)', () => {
    const c = verify(runWithNewEvent({ percent: 50 }), silent);
    expect(c.errors).toEqual(['schema.server-message', 'seq.contiguous']);
    expect(c.warnings).toEqual([]);
  });

  it('with the promise, an unknown connection-level message is a warning too; a message with no type is not', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    b.s2c('tab1', { type: 'server_notice', text: 'Maintenance at 22:00 UTC.' }, 50);
    b.s2c('tab1', { text: 'no type at all' }, 60);
    b.close('tab1', 1000, 'client', 100);
    const c = verify(b, promising);
    expect(c.warnings).toEqual(['schema.unknown-server-type']);
    expect(c.errors).toEqual(['schema.server-message']);
    expect(c.report.violations.map((v) => v.line)).toEqual([5]);
  });

  it('a known type with a bad payload stays a violation with the promise', () => {
    const b = new SessionBuilder().connect('tab1', 'alice', 0);
    const r = new RunBuilder({ runId: 'run_alice000001', user: 'alice' });
    b.c2s('tab1', r.startAgent(), 100);
    b.s2c('tab1', r.started(130), 130);
    b.s2c('tab1', { ...r.thinking(200), reasoning: '' }, 200);
    b.s2c('tab1', r.completed(300), 300);
    b.close('tab1', 1000, 'client', 400);
    expect(verify(b, promising).errors).toEqual(['schema.server-message']);
  });

  it('the promise comes from the contract (generated/contract.json channel.tolerant_reader)', () => {
    expect(typeof contract.tolerantReader).toBe('boolean');
  });
});
