// The hub's in-memory seams and the event log format: pure, no server.
import { judgeHeader, parseBody, requestLine, EVENT_LOG_HEADER } from '../../../src/provider/event-log-format';
import { messageHandlers } from '../../../src/provider/handlers';
import { MemoryRequestMemory, MemoryUserCounters } from '../../../src/provider/hub/memory-seams';
import { isPromise } from '../../../src/provider/hub/seams';
import { loadProtocol } from '../../../src/protocol';

test('one handler per client message type of the spec, and no other', () => {
  expect(Object.keys(messageHandlers).sort()).toEqual([...loadProtocol().clientTypes].sort());
});

describe('MemoryUserCounters', () => {
  test('acquire is refused at the limit, per user and per kind; release frees one unit', () => {
    const counters = new MemoryUserCounters();
    expect(counters.acquire('alice', 'runs', 2)).toBe(true);
    expect(counters.acquire('alice', 'runs', 2)).toBe(true);
    expect(counters.acquire('alice', 'runs', 2)).toBe(false);
    expect(counters.acquire('alice', 'connections', 2)).toBe(true);
    expect(counters.acquire('bob', 'runs', 2)).toBe(true);
    counters.release('alice', 'runs');
    expect(counters.count('alice', 'runs')).toBe(1);
    expect(counters.acquire('alice', 'runs', 2)).toBe(true);
  });

  test('answers synchronously (the in-memory hot path makes no promise)', () => {
    expect(isPromise(new MemoryUserCounters().acquire('alice', 'runs', 1))).toBe(false);
  });

  test('a release below zero stays at zero', () => {
    const counters = new MemoryUserCounters();
    counters.release('alice', 'runs');
    expect(counters.count('alice', 'runs')).toBe(0);
    expect(counters.acquire('alice', 'runs', 1)).toBe(true);
    expect(counters.acquire('alice', 'runs', 1)).toBe(false);
  });
});

describe('MemoryRequestMemory', () => {
  const later = (): number => Date.now() + 60_000;

  test('the first claim wins; the second gets the earlier run; another user is another request', () => {
    const memory = new MemoryRequestMemory(10);
    expect(memory.claim('alice', 'r1', { runId: 'run_a', threadId: 'thr_a' }, later())).toBeUndefined();
    expect(memory.claim('alice', 'r1', { runId: 'run_b', threadId: 'thr_b' }, later())).toEqual({
      runId: 'run_a',
      threadId: 'thr_a',
    });
    expect(memory.claim('bob', 'r1', { runId: 'run_c', threadId: 'thr_c' }, later())).toBeUndefined();
  });

  test('forget withdraws a claim; an expired claim can be taken again; sweep drops expired ones', () => {
    const memory = new MemoryRequestMemory(10);
    memory.claim('alice', 'r1', { runId: 'run_a', threadId: 't' }, later());
    memory.forget('alice', 'r1');
    expect(memory.claim('alice', 'r1', { runId: 'run_b', threadId: 't' }, Date.now() - 1)).toBeUndefined();
    expect(memory.claim('alice', 'r1', { runId: 'run_c', threadId: 't' }, later())).toBeUndefined();
    memory.claim('alice', 'old', { runId: 'run_d', threadId: 't' }, Date.now() - 1);
    memory.sweep(Date.now());
    expect([...memory.entries(Date.now())].map((e) => e.requestId)).toEqual(['r1']);
  });

  test('at most requestIdsPerUser per user: the oldest goes first', () => {
    const memory = new MemoryRequestMemory(2);
    for (const id of ['a', 'b', 'c']) memory.claim('alice', id, { runId: `run_${id}`, threadId: 't' }, later());
    expect([...memory.entries(Date.now())].map((e) => e.requestId)).toEqual(['b', 'c']);
  });
});

describe('event log format', () => {
  test('the header is version 1; a legacy first line (a run event) is read; anything else is foreign', () => {
    expect(judgeHeader(EVENT_LOG_HEADER)).toEqual({ kind: 'v1' });
    expect(judgeHeader('{"type":"agent_started","run_id":"run_x","seq":1}')).toEqual({ kind: 'legacy' });
    expect(judgeHeader('# Notes').kind).toBe('foreign');
    expect(judgeHeader('{"format":"netra-event-log","version":2}')).toMatchObject({ kind: 'foreign' });
    expect(judgeHeader('\u0000\u0001ELF').kind).toBe('foreign');
  });

  test('body lines: events, request records, and unreadable lines by number', () => {
    const request = { userId: 'alice', requestId: 'r1', runId: 'run_a', threadId: 'thr_a', until: 123 };
    const body = parseBody(['{"type":"agent_started","run_id":"run_a","seq":1}', requestLine(request), '{"ty', ''], 2);
    expect(body.events).toHaveLength(1);
    expect(body.requests).toEqual([request]);
    expect(body.unreadable).toEqual([4]);
  });
});
