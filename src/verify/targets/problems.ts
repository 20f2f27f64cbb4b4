import type { ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import { parsePointer } from '../../util/json-pointer';

/** One problem of a targets file, printed as `file:line:col  code  message`. */
export interface TargetProblem {
  line: number;
  col: number;
  code: string;
  message: string;
}

/** Where in the YAML a path lands: the value's node, or with `key` the key of its last step. */
export class PositionFinder {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Line and column (1-based) of the node at `path`, or of its nearest existing ancestor. */
  at(path: readonly (string | number)[], key = false): { line: number; col: number } {
    for (let depth = path.length; depth >= 0; depth--) {
      const offset = this.offsetOf(path.slice(0, depth), key && depth === path.length);
      if (offset !== undefined) return this.lines.linePos(offset);
    }
    return { line: 1, col: 1 };
  }

  private offsetOf(path: readonly (string | number)[], key: boolean): number | undefined {
    if (path.length === 0) return (this.doc.contents as Node | null)?.range?.[0];
    if (key) {
      const parent = this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find(
          (item) => isPair(item) && isScalar(item.key) && item.key.value === path[path.length - 1],
        );
        if (pair && isScalar(pair.key)) return pair.key.range?.[0];
      }
      return undefined;
    }
    const node = this.doc.getIn(path, true) as Node | undefined;
    return node?.range?.[0];
  }
}

const CODES: Record<string, string> = {
  additionalProperties: 'unknown-field',
  required: 'missing-field',
  discriminator: 'unknown-auth-kind',
  enum: 'not-allowed',
  const: 'not-allowed',
  type: 'wrong-type',
  pattern: 'bad-format',
  propertyNames: 'bad-name',
};

/**
 * Turns ajv's errors into problems with positions; one problem per place (ajv repeats itself under `oneOf`).
 *
 * @example
 * problemsFromAjv(validate.errors ?? [], finder); // [{ line: 4, col: 7, code: 'unknown-field', message: '...' }]
 */
export function problemsFromAjv(errors: readonly ErrorObject[], finder: PositionFinder): TargetProblem[] {
  const out: TargetProblem[] = [];
  const seen = new Set<string>();
  const discriminated = new Set(errors.filter((e) => e.keyword === 'discriminator').map((e) => e.instancePath));
  for (const error of errors) {
    // An unknown auth kind also fails the kind's enum: report it once, as the discriminator.
    if (error.keyword === 'enum' && discriminated.has(error.instancePath.replace(/\/kind$/, ''))) continue;
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const path = parsePointer(error.instancePath) ?? [];
    const { at, message } = describe(error, path);
    const pos = finder.at(at.path, at.key);
    const line = `${pos.line}:${pos.col}:${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ ...pos, code: CODES[error.keyword] ?? error.keyword, message });
  }
  return out;
}

function describe(error: ErrorObject, path: string[]): { at: { path: string[]; key: boolean }; message: string } {
  const where = path.length === 0 ? 'the file' : path.join('.');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        at: { path: [...path, String(params.additionalProperty)], key: true },
        message: `${where} has an unknown field ${JSON.stringify(params.additionalProperty)}`,
      };
    case 'required':
      return { at: { path, key: false }, message: `${where} needs "${String(params.missingProperty)}"` };
    case 'discriminator':
      return {
        at: { path: [...path, 'kind'], key: false },
        message: `${where}.kind must be one of dev, jwt, oauth2, command, static`,
      };
    case 'enum':
      return {
        at: { path, key: false },
        message: `${where} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'propertyNames':
      return {
        at: { path: [...path, String(params.propertyName)], key: true },
        message: `${where}: ${String(params.propertyName)} is not a valid name`,
      };
    default:
      return { at: { path, key: false }, message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

/**
 * The problems as the one text the CLI prints, one `file:line:col  code  message` line each.
 *
 * @example
 * formatProblems('targets.yaml', problems); // 'targets.yaml:4:7  unknown-field  targets.local has ...'
 */
export function formatProblems(file: string, problems: readonly TargetProblem[]): string {
  return problems.map((p) => `${file}:${p.line}:${p.col}  ${p.code}  ${p.message}`).join('\n');
}
