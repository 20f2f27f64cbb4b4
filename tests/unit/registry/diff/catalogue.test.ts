import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  changeKindNames,
  changeKinds,
  isChangeKind,
  renderRulesMarkdown,
  type ChangeKind,
} from '../../../../src/registry';
import { schemaCases } from './kinds/all-cases';
import { documentCases } from './document-cases';

describe('the change-kind catalogue', () => {
  it('names every kind in UPPER_SNAKE and gives each a summary, a reason and (when it breaks) a remedy', () => {
    for (const name of changeKindNames) {
      const rule = changeKinds[name];
      expect(name).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(['none', 'backward', 'forward', 'both']).toContain(rule.breaks);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.why.length).toBeGreaterThan(10);
      if (rule.breaks !== 'none') expect(rule.remedy).not.toBe('nothing to do');
    }
  });

  it('has a test case (as the kind or as the mirror of one) for every kind', () => {
    const covered = new Set<ChangeKind>();
    for (const c of [...schemaCases, ...documentCases]) {
      covered.add(c.kind);
      if (c.mirror !== undefined) covered.add(c.mirror);
    }
    expect(changeKindNames.filter((k) => !covered.has(k))).toEqual([]);
  });

  it('knows its own kinds and nothing else', () => {
    expect(isChangeKind('TYPE_NARROWED')).toBe(true);
    expect(isChangeKind('UNCLASSIFIED')).toBe(false);
    expect(isChangeKind('toString')).toBe(false);
  });

  it('is documented in src/registry/RULES.md exactly as the code applies it (regenerate with `registry rules --write`)', () => {
    const committed = readFileSync(path.join(__dirname, '../../../../src/registry/RULES.md'), 'utf8');
    expect(committed).toBe(renderRulesMarkdown());
    for (const name of changeKindNames) expect(committed).toContain(`\`${name}\``);
  });
});
