// Printing what `registry check` and `registry diff` found, for people (text) and for CI (json, junit, github).
import type { DiffReport, JudgedChange } from '../diff/document/diff';
import type { DriftItem } from '../gate/evaluate';
import { changeKinds } from '../diff/kinds';
import type { LineOf } from './locate';
import { RegistryError } from '../errors';

export const reportFormats = ['text', 'json', 'junit', 'github'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/**
 * Parses `--format`.
 *
 * @example
 * parseFormat('github'); // 'github'
 */
export function parseFormat(value: string): ReportFormat {
  const found = reportFormats.find((f) => f === value.trim().toLowerCase());
  if (found === undefined)
    throw new RegistryError('BAD_FORMAT', `unknown format '${value}'; use one of ${reportFormats.join(', ')}`);
  return found;
}

export interface ReportChange extends JudgedChange {
  /** What it was compared with: `registry v2`, `git:main:asyncapi.yaml`, a file. */
  against?: string;
}

/** Everything a report shows, whichever command produced it. */
export interface ReportInput {
  command: 'check' | 'diff';
  /** The spec the changes are located in (annotations point into it). */
  file: string;
  ok: boolean;
  compatible: boolean;
  changes: ReportChange[];
  drift: DriftItem[];
  integrity: string[];
  notes: string[];
  /** Names of the messages of the spec (one JUnit test case each). */
  subjects: string[];
  lineOf?: LineOf;
  /** Where a message is defined in the spec (JSON pointer), for line numbers. */
  docPathOf?: (message: string) => string | undefined;
  /** The JSON to print for `--format json` (the command's own result shape). */
  json: unknown;
}

function lineOfChange(input: ReportInput, c: ReportChange): number {
  if (input.lineOf === undefined) return 1;
  if (c.where === 'payload' || c.where === 'headers') {
    const docPath = c.message !== null ? input.docPathOf?.(c.message) : undefined;
    if (docPath === undefined) return 1;
    return input.lineOf(docPath, c.path, c.where);
  }
  return input.lineOf(c.path);
}

function where(c: ReportChange): string {
  const subject = c.message === null ? 'document' : `${c.message} ${c.where === 'message' ? 'message' : c.where}`;
  return `${subject} ${c.path || '/'}`;
}

function direction(c: ReportChange): string {
  return c.breaks === 'both' ? 'BACKWARD and FORWARD' : c.breaks.toUpperCase();
}

function formatText(input: ReportInput): string {
  const out: string[] = [];
  const breaking = input.changes.filter((c) => c.breaking);
  const compatible = input.changes.filter((c) => !c.breaking);
  for (const note of input.notes) out.push(`note: ${note}`);
  if (breaking.length > 0) {
    out.push(`${breaking.length} breaking change(s):`, '');
    for (const c of breaking) {
      const rule = changeKinds[c.kind];
      const subject = c.message === null ? 'document-level changes are' : `${c.message} is`;
      out.push(
        `${input.file}:${lineOfChange(input, c)}: ${where(c)}${c.against !== undefined ? `  (vs ${c.against})` : ''}`,
      );
      out.push(`  ${c.kind}: ${c.detail}`);
      out.push(`  why it breaks: it breaks ${direction(c)} compatibility and ${subject} ${c.mode}; ${rule.why}.`);
      out.push(`  to make it compatible: ${rule.remedy}.`);
      out.push('');
    }
  }
  if (compatible.length > 0) {
    out.push(`${compatible.length} compatible change(s):`);
    for (const c of compatible) {
      out.push(
        `  ${input.file}:${lineOfChange(input, c)}: ${where(c)}  ${c.kind}: ${c.detail}${c.against !== undefined ? `  (vs ${c.against})` : ''}`,
      );
    }
    out.push('');
  }
  if (input.integrity.length > 0) {
    out.push('the registry is damaged:');
    for (const p of input.integrity) out.push(`  ${p}`);
    out.push('');
  }
  if (input.drift.length > 0) {
    out.push('not registered yet (the spec and the registry differ):');
    for (const d of input.drift) out.push(`  ${d.detail}`);
    out.push(
      breaking.length > 0
        ? '  make the breaking changes compatible first, then run `netra-contracts registry register`'
        : '  run `netra-contracts registry register` to record them',
    );
    out.push('');
  }
  if (input.changes.length === 0 && input.drift.length === 0 && input.integrity.length === 0) out.push('no changes.');
  const verdict = input.ok ? 'OK' : 'FAILED';
  const parts = [
    `${breaking.length} breaking`,
    `${compatible.length} compatible`,
    ...(input.command === 'check' ? [`${input.drift.length} unregistered`] : []),
  ];
  out.push(`registry ${input.command}: ${verdict} (${parts.join(', ')})`);
  return `${out.join('\n')}\n`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatJunit(input: ReportInput): string {
  const cases: { name: string; failures: string[] }[] = [];
  const failuresOf = (message: string | null): string[] => [
    ...input.changes
      .filter((c) => c.breaking && c.message === message)
      .map(
        (c) =>
          `${c.kind} at ${where(c)}: ${c.detail} (breaks ${direction(c)}; ${c.mode}${c.against !== undefined ? `; vs ${c.against}` : ''}). Fix: ${changeKinds[c.kind].remedy}`,
      ),
    ...input.drift
      .filter((d) => d.message === message)
      .map((d) => `not registered: ${d.detail}; run \`netra-contracts registry register\``),
  ];
  const names = [
    ...new Set([...input.subjects, ...input.changes.map((c) => c.message), ...input.drift.map((d) => d.message)]),
  ];
  for (const name of names) {
    if (name === null) continue;
    cases.push({ name, failures: failuresOf(name) });
  }
  cases.push({ name: '(document)', failures: failuresOf(null) });
  if (input.command === 'check') cases.push({ name: '(registry integrity)', failures: input.integrity });
  const failures = cases.filter((c) => c.failures.length > 0).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netra-contracts registry ${input.command}" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="registry ${input.command}: ${xml(input.file)}" tests="${cases.length}" failures="${failures}">`,
  ];
  for (const c of cases) {
    if (c.failures.length === 0) {
      lines.push(`    <testcase classname="registry.${input.command}" name="${xml(c.name)}"/>`);
      continue;
    }
    lines.push(`    <testcase classname="registry.${input.command}" name="${xml(c.name)}">`);
    lines.push(
      `      <failure message="${xml(`${c.failures.length} problem(s)`)}">${xml(c.failures.join('\n'))}</failure>`,
    );
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function formatGithub(input: ReportInput): string {
  const out: string[] = [];
  for (const c of input.changes.filter((x) => x.breaking)) {
    const rule = changeKinds[c.kind];
    const text = `${where(c)}: ${c.detail}. Breaks ${direction(c)} compatibility (${c.message ?? 'document'} is ${c.mode}${c.against !== undefined ? `, vs ${c.against}` : ''}): ${rule.why}. Fix: ${rule.remedy}.`;
    out.push(
      `::error file=${escapeProperty(input.file)},line=${lineOfChange(input, c)},title=${escapeProperty(c.kind)}::${escapeData(text)}`,
    );
  }
  for (const d of input.drift) {
    const docPath = d.message !== null ? input.docPathOf?.(d.message) : undefined;
    const line = docPath !== undefined && input.lineOf !== undefined ? input.lineOf(docPath) : 1;
    out.push(
      `::error file=${escapeProperty(input.file)},line=${line},title=Unregistered change::${escapeData(`${d.detail}; run \`netra-contracts registry register\``)}`,
    );
  }
  for (const p of input.integrity) out.push(`::error title=Registry damaged::${escapeData(p)}`);
  for (const note of input.notes) out.push(`::notice::${escapeData(note)}`);
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/**
 * Renders a report in one of the formats.
 *
 * @example
 * process.stdout.write(formatReport(input, 'github'));
 */
export function formatReport(input: ReportInput, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(input.json, null, 2)}\n`;
    case 'junit':
      return formatJunit(input);
    case 'github':
      return formatGithub(input);
    default:
      return formatText(input);
  }
}

/**
 * The JSON shape of `registry diff --json`: `{ compatible, changes: [{ message, path, kind, breaking, detail, where, breaks, mode }] }`.
 *
 * @example
 * console.log(JSON.stringify(diffJson(diffDocuments(oldModel, newModel))));
 */
export function diffJson(report: DiffReport): unknown {
  return {
    compatible: report.compatible,
    changes: report.changes.map((c) => ({
      message: c.message,
      path: c.path,
      kind: c.kind,
      breaking: c.breaking,
      detail: c.detail,
      where: c.where,
      breaks: c.breaks,
      mode: c.mode,
    })),
  };
}
