// Scenario files are data a backend developer writes: the loader must accept the committed ones and explain every
// mistake with the file, line, column and a JSON pointer.
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { loadScenario, loadScenarios, parseScenario, ScenarioError } from '../../src/verify/record';
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
    });
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
