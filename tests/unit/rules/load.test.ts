import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { DEFAULT_RULES_DIR, FAMILIES, loadProfiles, loadRules, RulesError } from '../../../src/rules';
import { fillTemplate, placeholders } from '../../../src/rules/template';

describe('loadRules', () => {
  it('loads every family in order, each rule with an id, a description, a check and a message', () => {
    const { rules } = loadRules();
    expect([...new Set(rules.map((r) => r.family))]).toEqual([...FAMILIES]);
    for (const rule of rules) {
      expect(rule.id.startsWith(`${rule.family}.`)).toBe(true);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.message).toMatch(/expected|\{expected\}/);
    }
    const transitions = rules.find((r) => r.id === 'order.allowed-transitions')!;
    expect(transitions.params).toMatchObject({ start: 'agent_started', terminals: ['agent_completed', 'agent_error'] });
  });

  describe('refuses a bad rule file with file, rule id and problem', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'rules-'));
      for (const f of readdirSync(DEFAULT_RULES_DIR)) copyFileSync(path.join(DEFAULT_RULES_DIR, f), path.join(dir, f));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const write = (name: string, body: string) => writeFileSync(path.join(dir, name), body);
    const failure = (): RulesError => {
      try {
        loadRules(dir);
      } catch (err) {
        if (err instanceof RulesError) return err;
        throw err;
      }
      throw new Error('expected a RulesError');
    };
    const rule = (extra: string) => `family: pair\nrules:\n  - id: pair.x\n    description: d\n${extra}`;

    it.each([
      [
        'an unknown check',
        rule('    check: magic\n    message: m\n'),
        'RULES_UNKNOWN_CHECK',
        /pair\.yaml: rule pair\.x: unknown check 'magic' \(known: .*allowed_transitions/,
      ],
      [
        'an id of another family',
        rule(
          '    check: pair_no_orphan\n    params: { open_type: a, close_type: b, key_field: k }\n    message: m\n',
        ).replace('pair.x', 'seq.x'),
        'RULES_INVALID',
        /rule seq\.x: id must start with "pair\."/,
      ],
      [
        'a check of another family',
        rule('    check: seq_no_repeat\n    message: m\n'),
        'RULES_INVALID',
        /check 'seq_no_repeat' belongs to family seq, not pair/,
      ],
      [
        'missing params',
        rule('    check: pair_no_orphan\n    message: m\n'),
        'RULES_INVALID',
        /rule pair\.x: must have required property 'params'/,
      ],
      [
        'an unknown property',
        rule('    check: seq_no_repeat\n    message: m\n    colour: red\n'),
        'RULES_INVALID',
        /rule pair\.x: unknown property "colour"/,
      ],
      [
        'a placeholder the check does not fill',
        rule(
          '    check: pair_no_orphan\n    params: { open_type: a, close_type: b, key_field: k }\n    message: "{expected} {colour}"\n',
        ),
        'RULES_INVALID',
        /message uses \{colour\}/,
      ],
      ['bad YAML', 'family: pair\nrules: [\n', 'RULES_INVALID', /pair\.yaml:\d+:\d+: not valid YAML/],
    ])('%s', (_name, body, code, message) => {
      write('pair.yaml', body);
      const err = failure();
      expect(err.code).toBe(code);
      expect(err.exitCode).toBe(2);
      expect(err.message).toMatch(message);
    });

    it('params that do not fit the check', () => {
      write(
        'pair.yaml',
        rule('    check: pair_no_orphan\n    params: { open_type: a, close_type: 7, key_field: k }\n    message: m\n'),
      );
      expect(failure().message).toMatch(/rule pair\.x: params\.close_type: must be string/);
    });

    it('a duplicate id across files', () => {
      write(
        'zz.yaml',
        'family: seq\nrules:\n  - id: seq.contiguous\n    description: d\n    check: seq_contiguous\n    message: m\n',
      );
      expect(failure().message).toMatch(/zz\.yaml: rule seq\.contiguous: id already used in .*seq\.yaml/);
    });

    it('an unsound transitions table', () => {
      write(
        'order.yaml',
        'family: order\nrules:\n  - id: order.t\n    description: d\n    check: allowed_transitions\n    params:\n      start: agent_started\n      terminals: [agent_completed]\n      transitions:\n        agent_started: [agent_thinking]\n        agent_completed: []\n    message: m\n',
      );
      expect(failure().message).toMatch(/transition agent_started -> agent_thinking: "agent_thinking" is not a state/);
    });
  });
});

describe('loadProfiles', () => {
  it('has local, ci and staging with the plan values', () => {
    const profiles = loadProfiles();
    expect(profiles.defaultProfile).toBe('local');
    expect(profiles.get()).toMatchObject({ name: 'local', first_event_ms: 100, terminal_ms: 45000, silence_ms: 15000 });
    expect(profiles.get('ci').first_event_ms).toBeGreaterThan(100);
    expect(Object.keys(profiles.profiles)).toEqual(['local', 'ci', 'staging']);
    expect(() => profiles.get('prod')).toThrow(/unknown timing profile "prod" \(known: local, ci, staging\)/);
  });

  it('refuses a profile without a limit or with a bad number', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'profiles-'));
    try {
      const file = path.join(dir, 'p.yaml');
      writeFileSync(file, 'profiles:\n  x:\n    first_event_ms: 1\n    terminal_ms: 2\n');
      expect(() => loadProfiles(file)).toThrow(/profile x: missing silence_ms/);
      writeFileSync(file, 'profiles:\n  x:\n    first_event_ms: fast\n');
      expect(() => loadProfiles(file)).toThrow(/first_event_ms must be a non-negative number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('message templates', () => {
  it('fills placeholders, joins lists and leaves unknown ones', () => {
    expect(placeholders('{a} {b} {a}')).toEqual(['a', 'b']);
    expect(
      fillTemplate('{expected} / {actual} / {x} / {none}', { expected: ['a', 'b'], actual: { k: 1 }, none: undefined }),
    ).toBe('a, b / {"k":1} / {x} / ?');
  });
});
