// Scenario files are data a backend developer writes: the loader must accept the committed ones and explain every
// mistake with the file, line, column and a JSON pointer.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { loadScenario, loadScenarios, parseScenario, ScenarioError } from '../../src/verify/scenarios';
import { SCENARIOS_DIR } from './support/sessions';

const GOOD = `name: tiny
description: one user, one run
users:
  alice: { token: { ttl_s: 60 } }
connections:
  alice-1: { user: alice, via: subprotocol }
  alice-2: { user: alice }
steps:
  - connect: alice-1
  - send: { conn: alice-1, msg: { type: start_agent, request_id: r1, user_request: Save money. } }
  - wait_for: { conn: alice-1, run: r1, seq: 3 }
  - drop: alice-1
  - reconnect: { conn: alice-2 }
  - cancel: { conn: alice-2, run: r1 }
  - wait_for: { conn: alice-2, type: terminal, run: r1 }
  - close: alice-2
`;

function problemsOf(yaml: string, file = 'tiny.yaml'): string[] {
  try {
    parseScenario(yaml, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).code).toBe('SCENARIO_INVALID');
    expect((err as ScenarioError).exitCode).toBe(2);
    return (err as ScenarioError).problems;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario loader', () => {
  it('loads every committed scenario', () => {
    const scenarios = loadScenarios(SCENARIOS_DIR);
    expect(scenarios.length).toBeGreaterThanOrEqual(11);
    for (const s of scenarios) {
      expect(s.steps.length).toBeGreaterThan(0);
      expect(s.description.length).toBeGreaterThan(20);
    }
  });

  it('normalises steps, tokens and connections', () => {
    const s = parseScenario(GOOD, 'tiny.yaml');
    expect(s.steps.map((step) => step.action)).toEqual([
      'connect',
      'send',
      'wait_for',
      'drop',
      'reconnect',
      'cancel',
      'wait_for',
      'close',
    ]);
    expect(s.connections.get('alice-1')).toEqual({
      id: 'alice-1',
      user: 'alice',
      via: 'subprotocol',
      token: { kind: 'valid', ttlS: 60 },
      node: 0,
    });
    expect(s.tier).toBe('medium');
    expect(s.copies).toBe(1);
    expect(s.connections.get('alice-2')?.via).toBe('header');
    expect(s.steps[2]).toMatchObject({
      action: 'wait_for',
      conn: 'alice-1',
      run: 'r1',
      seq: 3,
      timeoutMs: 15000,
      line: 11,
    });
    expect(s.steps[7]).toMatchObject({ action: 'close', code: 1000 });
  });

  it('tags every committed scenario with a tier, and has every tier of the test plan', () => {
    const tiers = new Set(loadScenarios(SCENARIOS_DIR).map((s) => s.tier));
    expect([...tiers].sort()).toEqual(['easy', 'hard', 'medium', 'stress']);
  });

  it('gives the committed scenarios distinct users, so they can be recorded at once with their own names', () => {
    const owner = new Map<string, string>();
    for (const s of loadScenarios(SCENARIOS_DIR)) {
      for (const user of s.users.keys()) {
        expect([user, owner.get(user) ?? s.name]).toEqual([user, s.name]);
        owner.set(user, s.name);
      }
    }
  });

  it('reads tiers, copies, nodes, chaos, user waits, assumptions and the older token kind names', () => {
    const s = parseScenario(`name: big
description: d
tier: stress
copies: 3
chaos: { toxics: ['latency:ms=5'] }
users:
  bo: { token: { kind: tampered } }
  cy: { token: { kind: refresh } }
  di: { token: { kind: no_permission } }
  ed: {}
connections:
  bo-1: { user: bo }
  cy-1: { user: cy }
  di-1: { user: di }
  ed-1: { user: ed, node: 2 }
steps:
  - connect: bo-1
  - connect: cy-1
  - connect: di-1
  - connect: ed-1
  - send: { conn: ed-1, msg: { type: start_agent, request_id: q, user_request: x } }
  - wait_for: { user: ed, type: tool_executing, run: q, assume: it calls a tool }
  - wait_for: { conn: ed-1, type: agent_error, run: q, accept_refusal: true }
  - assume_running: { conn: ed-1, run: q, reason: a long run }
  - wait_token_expiry: ed-1
`);
    expect([s.tier, s.copies, s.chaos]).toEqual(['stress', 3, { toxics: ['latency:ms=5'] }]);
    expect(['bo-1', 'cy-1', 'di-1'].map((id) => s.connections.get(id)?.token.kind)).toEqual([
      'bad_signature',
      'wrong_type',
      'missing_permission',
    ]);
    expect(s.connections.get('ed-1')?.node).toBe(2);
    expect(s.steps[5]).toMatchObject({ action: 'wait_for', user: 'ed', assume: 'it calls a tool' });
    expect(s.steps[6]).toMatchObject({ action: 'wait_for', conn: 'ed-1', acceptRefusal: true });
    expect(s.steps[7]).toMatchObject({ action: 'assume_running', conn: 'ed-1', run: 'q', assume: 'a long run' });
    expect(s.steps[8]).toMatchObject({ action: 'wait_token_expiry', conn: 'ed-1' });
  });

  it('refuses a wait on both a connection and a user, and an assumption without a run', () => {
    const problems = problemsOf(
      GOOD.replace(
        '  - wait_for: { conn: alice-1, run: r1, seq: 3 }',
        '  - wait_for: { conn: alice-1, user: alice, type: any }',
      ).replace(
        '  - wait_for: { conn: alice-2, type: terminal, run: r1 }',
        '  - wait_for: { conn: alice-2, type: terminal, assume: luck }',
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/steps\/2\/wait_for: needs exactly one of "conn" \(one connection\) and "user"/),
        expect.stringMatching(/\/steps\/6\/wait_for\/assume: needs "run"/),
      ]),
    );
  });

  it('names the line, column and pointer of a missing field', () => {
    const yaml = GOOD.replace('  - send: { conn: alice-1, msg:', '  - send: { conn: alice-1, message:');
    const problems = problemsOf(yaml);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tiny\.yaml:10:\d+: \/steps\/1\/send: must have the field "msg"$/),
        expect.stringMatching(/^tiny\.yaml:10:\d+: \/steps\/1\/send\/message: is not allowed here/),
      ]),
    );
  });

  it('refuses an unknown step and a step with two actions', () => {
    expect(problemsOf(GOOD.replace('  - drop: alice-1', '  - explode: alice-1'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tiny\.yaml:12:\d+: \/steps\/3: "explode" is not a step; use one of connect, send/),
      ]),
    );
    expect(problemsOf(GOOD.replace('  - drop: alice-1', '  - { drop: alice-1, sleep: 10 }'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/steps\/3: must hold exactly one action/)]),
    );
  });

  it('refuses references to undeclared users, connections and runs', () => {
    const yaml = GOOD.replace('alice-2: { user: alice }', 'alice-2: { user: alicia }')
      .replace('  - cancel: { conn: alice-2, run: r1 }', '  - cancel: { conn: alice-2, run: r9 }')
      .replace('  - close: alice-2', '  - close: alice-3');
    const problems = problemsOf(yaml);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^tiny\.yaml:7:\d+: \/connections\/alice-2\/user: user "alicia" is not declared under users$/,
        ),
        expect.stringMatching(
          /^tiny\.yaml:14:\d+: \/steps\/5\/cancel\/run: "r9" is not the request_id of a start_agent sent by an earlier step$/,
        ),
        expect.stringMatching(
          /^tiny\.yaml:16:\d+: \/steps\/7\/close: connection "alice-3" is not declared under connections$/,
        ),
      ]),
    );
  });

  it('refuses a connection used before it is connected, or connected twice', () => {
    const before = GOOD.replace('  - connect: alice-1\n', '').replace('  - drop: alice-1', '  - connect: alice-1');
    expect(problemsOf(before)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/steps\/0\/send: connection "alice-1" is used before its connect/),
      ]),
    );
    const twice = GOOD.replace('  - reconnect: { conn: alice-2 }', '  - reconnect: { conn: alice-1 }');
    expect(problemsOf(twice)).toEqual(
      expect.arrayContaining([expect.stringMatching(/connection "alice-1" is connected twice/)]),
    );
  });

  it('refuses a bad token kind, a name that is not the file name, and a YAML syntax error', () => {
    expect(problemsOf(GOOD.replace('ttl_s: 60', 'kind: stolen'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tiny\.yaml:4:\d+: \/users\/alice\/token\/kind: must be one of valid, none, expired/),
      ]),
    );
    expect(problemsOf(GOOD, 'other.yaml')).toEqual([
      expect.stringMatching(/^other\.yaml:1:7: \/name: must equal the file name "other"/),
    ]);
    expect(problemsOf(GOOD.replace('steps:', 'steps: [\n'))[0]).toMatch(/^tiny\.yaml:\d+:\d+: YAML: /);
  });

  it('reads files: a missing one is SCENARIO_UNREADABLE, a bad one lists its problems in the message', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'netra-scenarios-'));
    try {
      expect(() => loadScenario(path.join(dir, 'nope.yaml'))).toThrow(
        expect.objectContaining({ code: 'SCENARIO_UNREADABLE' }),
      );
      writeFileSync(path.join(dir, 'bad.yaml'), 'name: bad\ndescription: x\nusers: {}\nconnections: {}\nsteps: []\n');
      const err = (() => {
        try {
          loadScenarios(dir);
        } catch (e) {
          return e as ScenarioError;
        }
        throw new Error('expected a refusal');
      })();
      expect(err.message).toMatch(/bad\.yaml: 3 problems:\n {2}.*\/users: must NOT have fewer than 1 properties/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
